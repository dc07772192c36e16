"""French typography the translations cannot carry: the first of a month, spaces before marks."""

from datetime import date

from django.template import Context, Template
from django.utils import translation

from capnr.core.i18n import long_date, punctuation


def render(text: str, **context: object) -> str:
    return Template("{% load core_tags %}" + text).render(Context(context))


def test_the_first_of_a_month_is_written_1er_in_french_only():
    with translation.override("fr"):
        assert long_date(date(2025, 4, 1)) == "1er avril 2025"
        assert long_date(date(2025, 4, 11)) == "11 avril 2025"
        assert long_date(date(2025, 4, 21)) == "21 avril 2025"
        assert render("{{ day|long_date }}", day=date(2026, 1, 1)) == "1er janvier 2026"
        assert render("{{ day|long_date }}", day=None) == ""
    with translation.override("en"):
        assert long_date(date(2025, 4, 1)) == "April 1, 2025"


def test_french_puts_a_no_break_space_before_colons_and_semicolons():
    with translation.override("fr"):
        assert punctuation(":") == "\u00a0:"
        assert punctuation(";") == "\u202f;"
        assert render('Question 1{% punctuation ":" %} x') == "Question 1\u00a0: x"
    with translation.override("en"):
        assert render('Question 1{% punctuation ":" %} x') == "Question 1: x"


def test_localised_reads_an_attribute_or_a_key_of_a_mapping():
    row = {"citation_fr": "Étude", "citation_en": "Study"}
    with translation.override("fr"):
        assert render('{{ row|localised:"citation" }}', row=row) == "Étude"
    with translation.override("en"):
        assert render('{{ row|localised:"citation" }}', row=row) == "Study"
