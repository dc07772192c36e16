from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    name = "capnr.coalition"
    label = "coalition"
    verbose_name = _("Coalitions and cohorts")

    def ready(self) -> None:
        # The sessions' documents go into every backup and come back on restore.
        from capnr.core.backups import register_uploads

        from .services import session_file_folder

        register_uploads("session-files", session_file_folder)
