"""Nested-sampling retrieval with dynesty (imported lazily): same forward model, same likelihood.

Likelihood: independent Gaussian per bin, log L = -1/2 sum ((y - f(theta)) / sigma)^2 + const.
Prior: the uniform box, through dynesty's unit-cube transform. Equal-weight posterior samples
are drawn from the weighted dead points (``results.samples_equal``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from astrobio.application.ports.jwst import ForwardModel, NestedSampler
from astrobio.domain.jwst_spectrum import ObservedSpectrum, on_grid, rebin
from astrobio.domain.retrieval import Posterior, gaussian_log_likelihood


class DynestyNestedSampler(NestedSampler):
    """Static nested sampling (multi-ellipsoid bounds, random walks), stopping at ``dlogz`` or ``max_calls``.

    The call cap keeps one retrieval to tens of seconds on one CPU core; a capped run is reported
    in the posterior's notes.
    """

    def __init__(self, model: ForwardModel, dlogz: float = 1.0, max_calls: int = 300_000) -> None:
        self.model, self.dlogz, self.max_calls = model, dlogz, max_calls

    def with_model(self, model: ForwardModel) -> DynestyNestedSampler:
        """The same sampler over another forward model (e.g. another host star or background)."""
        return DynestyNestedSampler(model, self.dlogz, self.max_calls)

    def run(self, spectrum: ObservedSpectrum, n_live: int, seed: int) -> Posterior:
        import dynesty

        if not on_grid(spectrum, self.model.grid):
            spectrum = rebin(spectrum, self.model.grid)
        y, s = spectrum.depth_ppm, spectrum.sigma_ppm
        low, width = self.model.priors.low, self.model.priors.high - self.model.priors.low

        def loglike(theta: np.ndarray) -> float:
            return float(gaussian_log_likelihood(y, s, self.model.depth_ppm(theta[None, :]))[0])

        def transform(u: np.ndarray) -> np.ndarray:
            return np.asarray(low + u * width)

        start = time.perf_counter()
        sampler = dynesty.NestedSampler(
            loglike, transform, len(low), nlive=n_live, sample="rwalk", rstate=np.random.default_rng(seed)
        )
        with warnings.catch_warnings():
            # a run stopped at the call cap is reported in the notes instead
            warnings.simplefilter("ignore", UserWarning)
            sampler.run_nested(dlogz=self.dlogz, maxcall=self.max_calls, print_progress=False)
        res = sampler.results
        capped = int(res.ncall.sum()) >= self.max_calls
        samples = np.asarray(res.samples_equal(rstate=np.random.default_rng(seed + 1)))
        return Posterior(
            names=self.model.priors.names,
            samples=samples,
            method="nested",
            wall_time_s=time.perf_counter() - start,
            notes=(
                f"dynesty {dynesty.__version__}, {n_live} live points, "
                f"{int(res.ncall.sum())} likelihood calls, log Z = {float(res.logz[-1]):.2f}"
                + (" (stopped at the call cap before dlogz was reached)" if capped else ""),
            ),
        )
