"""The A4 poster of a collection box: a PDF with the campaign and a QR code of the box's link."""

from __future__ import annotations

import io
import re

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from capnr.collection import poster
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

URL = "https://capnr.example/deposit/abc/"


def test_the_qr_code_encodes_the_boxs_link():
    svg = str(poster.qr_svg(URL))
    assert svg.startswith("<svg") and "<title>" in svg
    expected = segno.make(URL, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True
    )
    # The same modules as segno's own code for that URL: the paths' drawing instructions.
    drawn = re.findall(r' d="([^"]+)"', svg)
    assert drawn and drawn == re.findall(r' d="([^"]+)"', expected)
    assert segno.make(URL, error="m", micro=False).designator.endswith("-M")


def test_the_poster_pdf_holds_the_campaign_and_its_dates(client, referent, campaign, point):
    client.force_login(referent)
    response = client.get(reverse("collection:point_poster", args=["alpha", campaign.pk, point.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1, "the poster fits on one A4 page"
    text = reader.pages[0].extract_text()
    assert "Opération tiroirs vides" in text
    assert point.token in text.replace("\n", "")
    assert "Rien de cassé en verre." in text


def test_no_poster_for_a_stopped_link(client, referent, access, campaign, point):
    from capnr.collection import services

    services.point_link_revoke(access=access, point=point)
    client.force_login(referent)
    response = client.get(reverse("collection:point_poster", args=["alpha", campaign.pk, point.pk]))
    assert response.status_code == 302


def test_the_labels_sheet_is_one_page_of_qr_codes(client, keeper, campaign, point):
    client.force_login(keeper)  # the box's person in charge prints them too
    response = client.get(reverse("collection:point_labels", args=["alpha", campaign.pk, point.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text().count("Opération tiroirs vides") == 12


def test_the_printable_leaderboard_names_no_one(client, member, org_a, campaign, point, teams):
    from capnr.collection import services

    services.deposit_declare(
        point=point,
        data=services.DepositInput(team_id=teams[1].pk, counts={"phones": 3}, first_name="Zoé"),
    )
    client.force_login(member(org_a, Role.READER))
    response = client.get(reverse("collection:summary_pdf", args=["alpha", campaign.pk]))
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Atelier" in text and "Opération tiroirs vides" in text
    assert "Zoé" not in text
