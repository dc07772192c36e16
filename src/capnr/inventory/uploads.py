"""Refuse an oversized upload while it arrives, instead of after receiving it whole."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: stops reading a request as soon as its files exceed
    CAPNR_IMPORT_MAX_MB, and marks the request so the view can say why."""

    def _limit(self) -> int:
        return int(settings.CAPNR_IMPORT_MAX_MB * 1024 * 1024)

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        # A little room for the other form fields around the file. Django does not catch
        # StopUpload here (it answered 500): the request is refused when its file begins, after
        # the fields before it (the CSRF token) are read.
        self.oversized = bool(content_length and content_length > self._limit() + 64 * 1024)
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "oversized", False):
            self._refuse()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > self._limit():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.capnr_upload_too_large = True  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=False)
