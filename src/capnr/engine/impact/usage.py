"""Formulas of the usage models: printing, data clean-up, audio instead of video meetings.

Each takes the inputs and figures as numpy rows (row 0 central, see ``bounds.Values``) and
returns the yearly savings; ``compute`` turns kWh into € and kgCO2e."""

from __future__ import annotations

from .bounds import Terms, Values, central


def printing(v: Values) -> Terms:
    """Printing: duplex, follow-me printing, fewer personal printers (research §3.9, §5.3-8).

    pages = users × pages per user; sheets = pages × (1 − duplex / 2)
    pages avoided = pages × share never collected (with follow-me printing)
    sheets saved = pages × (1 − d_before/2) − (pages − pages avoided) × (1 − d_after/2)
    embodied kgCO2e = sheets saved × 4.6 g + printers removed × E_fab / L
    use kgCO2e = pages avoided × 1 g (printing, a direct figure) + kWh of printers × EF
    € = sheets saved × paper price + kWh × price; kg of materials = sheets saved × 4.99 g."""
    pages = v["users"] * v["pages_per_user"]
    follow_me = 1.0 if v.choice("follow_me") == "yes" else 0.0
    avoided = pages * v["uncollected_share"] * follow_me
    sheets_before = pages * (1 - v["duplex_before"] / 2)
    sheets_after = (pages - avoided) * (1 - v["duplex_after"] / 2)
    saved = sheets_before - sheets_after
    printers = v["printers_removed"]
    return Terms(
        kwh=printers * v["printer_small.kwh_per_year"],
        embodied=saved * v["paper_kgco2e_per_sheet"]
        + printers * v["printer_small.annual_embodied"],
        use_extra=avoided * v["print_kgco2e_per_page"],
        eur_extra=saved * v["paper_eur_per_sheet"],
        materials=saved * v["a4_sheet_kg"],
        kpis={
            "pages_per_year": central(pages),
            "sheets_saved": central(saved),
            "reams_saved": central(saved) / 500,
            "pages_not_printed": central(avoided),
        },
        notes=["negative_saving"] if central(saved) < 0 else [],
    )


def data_cleanup(v: Values) -> Terms:
    """Data retention clean-up (research §3.9, §5.3-10). Low confidence.

    kgCO2e/yr = GB deleted × copies × factor (0.00024 kg/GB/yr NegaOctet; high 0.15 UBA);
    the factor mixes storage construction and use: counted under use, with no kWh."""
    stored = v["gb_deleted"] * v["copies"]
    return Terms(
        use_extra=stored * v["storage_kgco2e_per_gb_year"],
        kpis={"gb_stored_avoided": central(stored)},
    )


def video_to_audio(v: Values) -> Terms:
    """Audio instead of video meetings (research §3.9, §5.3-11). Low confidence.

    kgCO2e/yr = participants × video hours per week × working days / 5 × share switched
                × 0.015 kg per hour (MiNumEco: 1.5 t per 100,000 h)."""
    hours = (
        v["participants"] * v["video_hours_per_week"] * v["working_days"] / 5 * v["share_switched"]
    )
    return Terms(
        use_extra=hours * v["video_audio_kgco2e_per_hour"],
        kpis={"hours_switched": central(hours)},
    )
