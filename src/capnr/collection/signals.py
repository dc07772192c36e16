"""An erasure's certificate file goes with its row, however the row is deleted: its sorting line
or campaign deleted, the whole organisation deleted (the ORM's cascades send ``post_delete`` for
each row). Connected in :meth:`CollectionConfig.ready`; a certificate replaced or removed while
its erasure stays is deleted by the service that does it (services.certificate_attach, _remove)."""

from __future__ import annotations

from typing import Any

from capnr.core.uploads import delete_after_commit

from .models import Erasure


def delete_certificate_file(sender: type[Erasure], instance: Erasure, **kwargs: Any) -> None:
    """Once the deletion commits; a rolled-back deletion keeps the file with its row."""
    if instance.certificate_file:
        delete_after_commit(instance.certificate_file.storage, instance.certificate_file.name)
