from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "capnr.organisations"
    label = "organisations"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        # Core's view decorator asks tenancy who may see what; core cannot import this app.
        from capnr.core.access import provide_access_resolver

        from .tenancy import access_organisation

        provide_access_resolver(access_organisation)
