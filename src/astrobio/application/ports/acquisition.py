"""Active learning: which candidate GCM runs would most reduce the surrogate's expected error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from astrobio.domain.climate import ClimateParameters


@dataclass(frozen=True, slots=True, kw_only=True)
class Acquisition:
    """The chosen candidates (indices into the pool, in pick order) and the expected error they remove.

    ``sigma_before_k`` / ``sigma_after_k``: the model's RMS predictive sigma of the global-mean
    surface temperature over the whole pool (the requested box) before and after conditioning on
    the chosen runs; ``model_id``: the surrogate that judged; ``rule``: how.
    """

    indices: tuple[int, ...]
    sigma_before_k: float
    sigma_after_k: float
    model_id: str
    rule: str


class RunAcquisition(Protocol):
    def select(self, pool: Sequence[ClimateParameters], n: int) -> Acquisition:
        """Pick ``n`` of ``pool`` (distinct); ``InsufficientData`` when no model can judge."""
        ...
