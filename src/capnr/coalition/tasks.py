"""Background jobs (django-tasks: the database worker `capnr db_worker` runs them)."""

import datetime as dt

from django_tasks import task

from . import services


@task()
def send_session_reminders(today_iso: str, base_url: str) -> int:
    """The reminders of the sessions starting the day after ``today_iso`` (YYYY-MM-DD)."""
    return services.session_reminders_send(
        today=dt.date.fromisoformat(today_iso), base_url=base_url
    )
