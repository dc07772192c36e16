"""Checks on French official identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's SIRETs do not follow the Luhn rule; INSEE documents that the sum of their digits
# is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value: str) -> str:
    return "".join(value.split())


def validate_siret(value: str) -> None:
    siret = normalise_siret(value)
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError(
            _("A SIRET has exactly 14 digits (spaces allowed); “%(value)s” does not."),
            code="siret_format",
            params={"value": value},
        )
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_is_valid(siret)
    if not valid:
        raise ValidationError(
            _("“%(value)s” is not a valid SIRET: its check digit is wrong. Check for a typo."),
            code="siret_checksum",
            params={"value": value},
        )
