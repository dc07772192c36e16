from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeersConfig(AppConfig):
    name = "capnr.peers"
    label = "peers"
    verbose_name = _("Peer exchange")

    def ready(self) -> None:
        # The cohort report quotes the reports its organisations shared; the coalition app does
        # not import peers (peers builds on it), so peers tells it.
        from capnr.coalition import testimonies

        from .cohort_testimonies import shared_testimonies

        testimonies.register(shared_testimonies)
