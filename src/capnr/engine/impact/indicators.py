"""Formula of the KPI-only model (training, accessibility, eco-design): indicators, no carbon."""

from __future__ import annotations

from .bounds import Terms, Values


def kpi_only(v: Values) -> Terms:
    """Training, accessibility and eco-design: no carbon figure (research §5.3-12, -13).

    KPIs: trained ÷ staff, field staff reached ÷ field staff, RGAA share of criteria met and
    its legal band (2 fully compliant at 100 %, 1 partially at ≥ 50 %, 0 not compliant),
    RGESN share of applicable criteria met."""
    kpis: dict[str, float] = {}
    if v.central("staff") > 0:
        kpis["trained_share"] = v.central("staff_trained") / v.central("staff")
    if v.central("field_staff") > 0:
        kpis["field_staff_reached_share"] = v.central("field_staff_reached") / v.central(
            "field_staff"
        )
    rgaa = v.central("rgaa_criteria_share")
    kpis["rgaa_criteria_share"] = rgaa
    band = 2 if rgaa >= v.central("rgaa_full") else 1 if rgaa >= v.central("rgaa_partial") else 0
    kpis["rgaa_status_band"] = float(band)
    kpis["rgesn_share"] = v.central("rgesn_share")
    return Terms(kpis=kpis, notes=[("rgaa_none", "rgaa_partial", "rgaa_full")[band]])
