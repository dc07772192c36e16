"""Simultaneous registrations never give more places than a session has: real threads, each
with its own database connection, on SQLite and on PostgreSQL.

On PostgreSQL the session's row lock (``select_for_update``) is what serialises them; the count
of places taken is slowed down here so that, without the lock, every thread would count the
same free places and all of them would get one. On SQLite the database's own write lock
serialises write transactions; the in-memory test database answers a second writer with
"locked" at once instead of waiting as the production database does (its busy timeout), so a
thread retries then, as the production connection would wait."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection

from capnr.training import services
from capnr.training.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
CAPACITY = 3


def _slow_count(original, delay: float):
    def count(session):
        value = original(session)
        time.sleep(delay)  # the window in which another registration could slip in
        return value

    return count


def _run_together(work, items) -> list[BaseException]:
    barrier = threading.Barrier(len(items))
    errors: list[BaseException] = []

    def run(item) -> None:
        try:
            barrier.wait()
            deadline = time.monotonic() + 30
            while True:
                try:
                    work(item)
                    return
                except OperationalError as error:  # SQLite's in-memory test database only
                    if "locked" not in str(error) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)
        except BaseException as error:  # reported to the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_simultaneous_registrations_never_exceed_the_capacity(
    hr_access, hr, make_session, named, monkeypatch
):
    session = make_session(capacity=CAPACITY)
    trainees = [named(f"Agent {number}") for number in range(THREADS)]
    monkeypatch.setattr(
        services, "_registered_count", _slow_count(services._registered_count, 0.05)
    )

    errors = _run_together(
        lambda trainee: services.registration_create(
            access=hr_access, session=session, trainee=trainee, by=hr
        ),
        trainees,
    )

    assert errors == []
    rows = Registration.objects.filter(session=session)
    registered = rows.filter(status=RegistrationStatus.REGISTERED).count()
    positions = sorted(
        rows.filter(status=RegistrationStatus.WAITING).values_list("position", flat=True)
    )
    assert registered == CAPACITY
    assert positions == list(range(1, THREADS - CAPACITY + 1))


def test_simultaneous_cancellations_give_each_freed_place_to_one_waiting_person(
    hr_access, hr, make_session, named, monkeypatch
):
    session = make_session(capacity=CAPACITY)
    rows = [
        services.registration_create(
            access=hr_access, session=session, trainee=named(f"Agent {number}"), by=hr
        )
        for number in range(THREADS)
    ]
    monkeypatch.setattr(
        services, "_registered_count", _slow_count(services._registered_count, 0.05)
    )

    errors = _run_together(
        lambda registration: services.registration_cancel(
            access=hr_access, registration=registration, by=hr
        ),
        rows[:CAPACITY],
    )

    assert errors == []
    live = Registration.objects.filter(session=session)
    registered = live.filter(status=RegistrationStatus.REGISTERED)
    assert sorted(str(row.trainee) for row in registered) == [
        f"Agent {number}" for number in range(CAPACITY, 2 * CAPACITY)
    ]
    assert live.filter(status=RegistrationStatus.WAITING).count() == THREADS - 2 * CAPACITY
