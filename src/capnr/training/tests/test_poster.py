"""The self-assessment's A4 poster: the campaign's link as a QR code, in plain words."""

from __future__ import annotations

import io
import re

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from capnr.training import documents, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(access):
    return services.campaign_create(access=access, name="Spring 2026")


def test_the_poster_is_one_a4_page_with_the_campaigns_link(client, hr, org_a, campaign):
    client.force_login(hr)
    response = client.get(reverse("training:campaign_poster", args=[org_a.slug, campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = reader.pages[0].extract_text()
    assert "Your digital skills" in text and "You do not give your name." in text
    assert campaign.link_token in text.replace("\n", "")


def test_the_qr_code_opens_the_campaigns_page(campaign):
    url = "https://capnr.example" + reverse("skills_assessment", args=[campaign.link_token])
    html = documents.skills_poster_html(campaign, url)
    expected = segno.make(url, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True
    )
    assert re.findall(r' d="([^"]+)"', html) == re.findall(r' d="([^"]+)"', expected)
    assert "QR code of the self-assessment" in html


def test_no_poster_for_a_closed_campaign_nor_for_a_reader(
    client, hr, agent, access, org_a, campaign
):
    url = reverse("training:campaign_poster", args=[org_a.slug, campaign.pk])
    client.force_login(agent)
    assert client.get(url).status_code == 403
    services.campaign_close(access=access, campaign=campaign)
    client.force_login(hr)
    response = client.get(url, follow=True)
    assert "This campaign is closed" in response.content.decode()
