from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    name = "capnr.coalition"
    label = "coalition"
    verbose_name = _("Coalitions and cohorts")

    def ready(self) -> None:
        # A session's document file goes with its row, whatever deletes the row.
        from django.db.models.signals import post_delete

        from .models import SessionFile
        from .signals import delete_session_file

        post_delete.connect(
            delete_session_file, sender=SessionFile, dispatch_uid="coalition.session_file"
        )
        # The sessions' documents go into every backup and come back on restore.
        from capnr.core.backups import register_uploads

        from .services import session_file_folder

        register_uploads("session-files", session_file_folder)
