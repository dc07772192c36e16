"""The weekly digest is written in each subscriber's language (``User.language``)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from capnr.roadmap import services
from capnr.roadmap.digest import send_digests
from capnr.roadmap.models import PlanItem

from .export_data import SHUTDOWN, build_plan

pytestmark = pytest.mark.django_db


def test_each_subscriber_gets_the_digest_in_their_language(org_a, member, access_of):
    plan = build_plan(org_a, member, access_of)
    plan.olga.language = "en"
    plan.olga.save(update_fields=["language"])
    # Paul (French) owns the formula item: bring it within two weeks, on the same day.
    PlanItem.objects.filter(pk=plan.formula.pk).update(due_date=plan.shutdown.due_date)
    for user in (plan.olga, plan.paul):
        services.digest_subscribe(access=access_of(user, org_a), user=user, subscribed=True)
    assert send_digests(today=timezone.localdate(), base_url="https://capnr.example") == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    english, french = by_address[plan.olga.email], by_address[plan.paul.email]
    with translation.override("en"):
        due_en = date_format(plan.shutdown.due_date, "DATE_FORMAT")
    with translation.override("fr"):
        due_fr = date_format(plan.shutdown.due_date, "DATE_FORMAT")
    assert english.subject == "Cap NR · your roadmap items to follow up (Alpha secret agency)"
    assert "Due within two weeks:" in english.body and SHUTDOWN in english.body
    assert f"due on {due_en}" in english.body
    assert french.subject.startswith("Cap NR · ") and "your roadmap" not in french.subject
    assert due_fr in french.body and "due on" not in french.body
