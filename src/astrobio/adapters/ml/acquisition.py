"""``GpVarianceAcquisition``: pick the GCM runs that most reduce the emulator's integrated variance.

The active scalar emulator's Gaussian process for the global-mean surface temperature (``ts_k``,
:mod:`.prior_surrogate`) gives the posterior covariance S over the candidate pool (a Latin
hypercube filling the requested box). Greedy integrated-variance reduction (IMSE; Sacks et al.
1989; Gramacy 2020, *Surrogates*, ch. 6): pick the candidate i maximizing sum_j S_ji^2 / (S_ii +
noise) -- the total variance over the box that a new run at i would remove -- then condition S on
it (a GP's variance does not depend on the unseen outcome) and repeat. Sigma here is the GP's own
(before the cross-conformal factor, which scales every candidate alike).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from astrobio.adapters.ml import checkpoint as ckpt
from astrobio.adapters.ml import gp_surrogate as gs
from astrobio.adapters.ml import prior_surrogate as ps
from astrobio.application.ports.acquisition import Acquisition, RunAcquisition
from astrobio.application.ports.surrogate import SurrogateRegistry
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.errors import InsufficientData, InvalidQuantity
from astrobio.domain.surrogate import SurrogateMode, input_vector

TARGET = "ts_k"


def greedy_imse(cov: np.ndarray, noise: float, n: int) -> list[int]:
    """Indices of ``n`` picks from a posterior covariance (P, P) by greedy integrated-variance reduction."""
    s = np.array(cov, dtype=np.float64)
    chosen: list[int] = []
    for _ in range(n):
        gain = (s ** 2).sum(0) / (np.diag(s) + noise)
        gain[chosen] = -np.inf
        i = int(np.argmax(gain))
        chosen.append(i)
        s = s - np.outer(s[:, i], s[i, :]) / (s[i, i] + noise)
    return chosen


class GpVarianceAcquisition(RunAcquisition):
    """Active learning with the active scalar emulator (``pca_gp``) of a surrogate registry."""

    def __init__(self, registry: Callable[[], SurrogateRegistry]) -> None:
        self._registry = registry

    def select(self, pool: Sequence[ClimateParameters], n: int) -> Acquisition:
        if not 1 <= n <= len(pool):
            raise InvalidQuantity(f"pick 1..{len(pool)} runs, got {n}", field="samples")
        registry = self._registry()
        card = registry.active(SurrogateMode.SCALAR)
        if card is None:
            raise InsufficientData("active learning needs an active scalar emulator", field="method")
        payload = ckpt.load(registry.path(card.id))  # type: ignore[attr-defined]
        if payload["arch"]["name"] != "pca_gp":
            raise InsufficientData("active learning needs a pca_gp scalar surrogate (its GP variance)",
                                   field="method")
        model = ckpt.from_tensors(payload["emulator"])
        x = ps.design(model, np.array([input_vector(p) for p in pool], dtype=np.float64))
        state = model["variables"][TARGET]["regressor"]
        cov, noise = gs.posterior_cov(state, 0, x)
        picks = greedy_imse(cov, noise, n)
        before = float(np.sqrt(np.mean(np.diag(cov))))
        s = cov.copy()
        for i in picks:
            s = s - np.outer(s[:, i], s[i, :]) / (s[i, i] + noise)
        after = float(np.sqrt(np.mean(np.clip(np.diag(s), 0.0, None))))
        return Acquisition(indices=tuple(picks), sigma_before_k=before, sigma_after_k=after, model_id=card.id,
                           rule="greedy integrated-variance reduction of the ts_k Gaussian process")
