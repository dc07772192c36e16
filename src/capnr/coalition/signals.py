"""A session's document files go with their rows, however the rows are deleted: the document
removed, its session, cohort or coalition deleted (the ORM's cascades send ``post_delete`` for
each row). Connected in :meth:`CoalitionConfig.ready`."""

from __future__ import annotations

from typing import Any

from capnr.core.uploads import delete_after_commit

from .models import SessionFile
from .services import session_file_storage


def delete_session_file(sender: type[SessionFile], instance: SessionFile, **kwargs: Any) -> None:
    """Once the deletion commits; a rolled-back deletion keeps the file with its row."""
    delete_after_commit(session_file_storage(), instance.stored_name)
