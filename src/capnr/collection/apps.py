from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "capnr.collection"
    label = "collection"
    verbose_name = _("Collection challenge")

    def ready(self) -> None:
        # The campaigns' milestones go into the roadmap's weekly digest.
        from capnr.roadmap import digest

        from .digest import digest_section

        digest.register_section(digest_section)
