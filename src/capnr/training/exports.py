"""The programme as files for HR's own tools: sessions and attendance as an XLSX workbook, the
attendance as CSV (``capnr.core.spreadsheets``: formulas neutralised). They hold trainees'
names: only those who see them may download them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.spreadsheets import csv_bytes, xlsx_bytes

from . import selectors


def _local(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None)


def _session_rows(access: OrganisationAccess) -> tuple[list[str], list[list[object]]]:
    header = [
        _("Offer"),
        _("Starts"),
        _("Ends"),
        _("Site"),
        _("Room"),
        _("Trainer"),
        _("Places"),
        _("Registered"),
        _("Waiting list"),
        _("Present"),
        _("Cancelled"),
    ]
    rows = [
        [
            session.offer.title,
            _local(session.starts_at),
            _local(session.ends_at),
            session.site.name if session.site else _("Remote"),
            session.room,
            session.trainer_name,
            session.capacity,
            session.registered,
            session.waiting,
            session.present,
            _("yes") if session.cancelled else _("no"),
        ]
        for session in selectors.export_sessions(access=access)
    ]
    return header, rows


def _attendance_rows(access: OrganisationAccess) -> tuple[list[str], list[list[object]]]:
    header = [
        _("Offer"),
        _("Starts"),
        _("Site"),
        _("Name"),
        _("Department"),
        _("Status"),
        _("Attendance"),
        _("How attendance was taken"),
    ]
    rows = [
        [
            registration.session.offer.title,
            _local(registration.session.starts_at),
            registration.session.site.name if registration.session.site else _("Remote"),
            str(registration.trainee),
            registration.trainee.department.name if registration.trainee.department else "",
            registration.get_status_display(),
            registration.get_attended_display(),
            registration.get_attendance_source_display(),
        ]
        for registration in selectors.export_rows(access=access)
    ]
    return header, rows


def programme_xlsx(access: OrganisationAccess) -> bytes:
    return xlsx_bytes(
        [
            (_("Sessions"), *_session_rows(access)),
            (_("Attendance"), *_attendance_rows(access)),
        ]
    )


def attendance_csv(access: OrganisationAccess) -> bytes:
    return csv_bytes(*_attendance_rows(access))
