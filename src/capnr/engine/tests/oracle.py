"""boaviztapi 2.5.0 called in-process, for tests and the benchmark only (AGPL: never imported by
the application). Returns unrounded values as arrays shaped like the engine's (4, 2, 3)."""

from __future__ import annotations

import numpy as np
from boaviztapi.compute.impacts_computation import compute_impacts
from boaviztapi.data.archetype import get_user_terminal_archetype
from boaviztapi.dto.device.user_terminal import (
    Desktop,
    Laptop,
    Monitor,
    Smartphone,
    Tablet,
    Television,
    mapper_user_terminal,
)
from boaviztapi.dto.usage.usage import Usage

from capnr.engine.reference import CRITERIA, PHASES

# Our category -> (boaviztapi DTO, archetype)
TERMINALS = {
    "laptop": (Laptop, "laptop-pro"),
    "desktop": (Desktop, "desktop-pro"),
    "monitor": (Monitor, "monitor-default"),
    "smartphone": (Smartphone, "smartphone-default"),
    "tablet": (Tablet, "tablet-default"),
    "display": (Television, "tv-pro"),
}
BOAVIZTA_PHASE = {"embodied": "embedded", "use": "use"}


def terminal_impacts(
    category: str,
    *,
    country: str,
    duration_hours: float | None = None,
    lifetime_hours: float | None = None,
    avg_power_w: float | None = None,
    use_time_ratio: float | None = None,
) -> np.ndarray:
    dto_class, archetype = TERMINALS[category]
    usage: dict[str, object] = {"usage_location": country}
    if lifetime_hours is not None:
        usage["hours_life_time"] = lifetime_hours
    if avg_power_w is not None:
        usage["avg_power"] = avg_power_w
    if use_time_ratio is not None:
        usage["use_time_ratio"] = use_time_ratio
    dto = dto_class(usage=Usage(**usage))
    device = mapper_user_terminal(dto, archetype=get_user_terminal_archetype(archetype))
    duration = duration_hours if duration_hours is not None else device.usage.hours_life_time.value
    compute_impacts(model=device, selected_criteria=list(CRITERIA), duration=duration)
    out = np.full((4, 2, 3), np.nan)
    for c, criterion in enumerate(CRITERIA):
        for p, phase in enumerate(PHASES):
            impact = device.impacts.get(criterion, {}).get(BOAVIZTA_PHASE[phase])
            if impact is None or isinstance(impact, str):
                continue
            out[c, p] = (impact.value, impact.min, impact.max)
    return out
