import pytest
from django.core.exceptions import ValidationError

from capnr.organisations.validators import validate_siret


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "35600000049837"])
def test_valid_sirets_pass(siret):
    validate_siret(siret)  # the last one is La Poste's, checked by its own rule


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("7328293200007", "siret_format"),
        ("7328293200007A", "siret_format"),
        ("73282932000075", "siret_checksum"),
        ("35600000049838", "siret_checksum"),
    ],
)
def test_invalid_sirets_say_why(siret, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == code
