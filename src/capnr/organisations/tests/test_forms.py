"""Choice lists say what their empty choice means (issue 12, item 9)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capnr.organisations.models import Department, Role

pytestmark = pytest.mark.django_db


def test_the_department_forms_name_the_top_level_choice(client, org_a, member):
    client.force_login(member(org_a, Role.REFERENT))
    department = Department.objects.filter(organisation=org_a).first()
    for page in (
        reverse("organisations:department_create", args=[org_a.slug]),
        reverse("organisations:department_edit", args=[org_a.slug, department.pk]),
    ):
        body = client.get(page, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "---------" not in body, page
        assert "Aucun (service de premier niveau)" in body, page
