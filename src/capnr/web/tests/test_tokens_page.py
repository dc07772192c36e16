import pytest

from capnr.api.models import ApiToken


@pytest.mark.django_db
def test_a_token_is_shown_once_then_revoked_from_the_account_page(client, org_a, member):
    user = member(org_a)
    client.force_login(user)
    page = client.post("/account/", {"name": "Import nocturne"}).content.decode()
    token = ApiToken.objects.get(user=user)
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith(token.prefix)
    assert secret not in client.get("/account/").content.decode()
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
