"""RetrieveAtmosphere: importance-sampling check and the nested-sampling fallback, on a linear-Gaussian model
whose exact posterior is known."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from astrobio.application.use_cases.jwst import RetrieveAtmosphere, RetrieveAtmosphereCommand
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.jwst_spectrum import ObservedSpectrum, SpectralGrid
from astrobio.domain.retrieval import Posterior, PriorBox, UniformPrior

GRID = SpectralGrid(min_um=1.0, max_um=5.0, n_bins=6)
PRIORS = PriorBox(
    priors=(UniformPrior(name="a", low=-50.0, high=50.0), UniformPrior(name="b", low=-50.0, high=50.0))
)
A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0], [2.0, 0.0], [0.0, 2.0]])
SIGMA = np.full(6, 0.5)


class Linear:
    grid, priors = GRID, PRIORS

    def depth_ppm(self, theta: np.ndarray) -> np.ndarray:
        return np.atleast_2d(theta) @ A.T


def exact_posterior(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian posterior of a linear model under a (practically) flat prior."""
    prec = A.T @ A / SIGMA[0] ** 2
    cov = np.linalg.inv(prec)
    return cov @ A.T @ y / SIGMA[0] ** 2, cov


class FakeEstimator:
    model_id, grid, priors = "fake", GRID, PRIORS

    def __init__(self, scale: float = 1.0, shift: float = 0.0) -> None:
        self.scale, self.shift = scale, shift

    def sample(self, spectrum: ObservedSpectrum, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        mean, cov = exact_posterior(spectrum.depth_ppm)
        cov = cov * self.scale**2
        rng = np.random.default_rng(seed)
        s = rng.multivariate_normal(mean + self.shift, cov, size=n)
        d = s - mean - self.shift
        log_q = -0.5 * np.einsum("ij,jk,ik->i", d, np.linalg.inv(cov), d) - 0.5 * np.log(
            np.linalg.det(2 * np.pi * cov)
        )
        return s, log_q

    def card(self) -> dict[str, Any]:
        return {}


class FakeNested:
    calls = 0

    def run(self, spectrum: ObservedSpectrum, n_live: int, seed: int) -> Posterior:
        FakeNested.calls += 1
        mean, cov = exact_posterior(spectrum.depth_ppm)
        s = np.random.default_rng(seed).multivariate_normal(mean, cov, size=500)
        return Posterior(names=PRIORS.names, samples=s, method="nested", notes=("fake",))


def spectrum() -> ObservedSpectrum:
    y = Linear().depth_ppm(np.array([1.0, -2.0]))[0] + np.array([0.1, -0.2, 0.3, 0.0, -0.1, 0.2])
    return ObservedSpectrum(wavelength_um=GRID.centres_um, depth_ppm=y, sigma_ppm=SIGMA)


def retrieve(estimator: FakeEstimator, **kw: Any) -> Posterior:
    use = RetrieveAtmosphere(codec=None, estimator=estimator, model=Linear(), sampler=FakeNested())  # type: ignore[arg-type]
    return use.retrieve(spectrum(), RetrieveAtmosphereCommand(data=b"", fmt="json", **kw))


def test_an_exact_flow_has_unit_efficiency_and_is_kept() -> None:
    p = retrieve(FakeEstimator())
    assert p.method == "npe" and not p.flagged
    assert p.importance_efficiency == pytest.approx(1.0, abs=1e-6)
    mean, _ = exact_posterior(spectrum().depth_ppm)
    assert p.samples.mean(axis=0) == pytest.approx(mean, abs=0.05)


def test_a_wrong_flow_is_flagged_and_replaced_by_nested_sampling() -> None:
    before = FakeNested.calls
    p = retrieve(FakeEstimator(scale=0.3, shift=1.0), min_efficiency=0.05)
    assert p.flagged and p.method == "nested" and FakeNested.calls == before + 1
    assert p.importance_efficiency is not None and p.importance_efficiency < 0.05
    assert any("efficiency" in n for n in p.notes)


def test_without_fallback_the_flag_is_reported_only() -> None:
    p = retrieve(FakeEstimator(scale=0.3, shift=1.0), fallback=False, min_efficiency=0.05)
    assert p.flagged and p.method == "npe"


def test_a_flow_outside_the_priors_is_flagged() -> None:
    p = retrieve(FakeEstimator(shift=200.0), fallback=False)
    assert p.flagged and any("inside the training priors" in n for n in p.notes)
    assert PRIORS.contains(p.samples).all()


def test_command_limits() -> None:
    with pytest.raises(InvalidQuantity):
        RetrieveAtmosphereCommand(data=b"", fmt="json", n_samples=10)
