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
