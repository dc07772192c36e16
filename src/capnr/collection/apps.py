from pathlib import Path

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

        # An erasure's certificate file goes with its row, whatever deletes the row.
        from django.db.models.signals import post_delete

        from .models import Erasure
        from .signals import delete_certificate_file

        post_delete.connect(
            delete_certificate_file, sender=Erasure, dispatch_uid="collection.certificate_file"
        )
        # The erasure certificates (the private storage) go into every backup.
        from capnr.core.backups import register_uploads

        from .models import private_storage

        register_uploads("private", lambda: Path(private_storage().path("")))
