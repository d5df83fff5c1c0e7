"""msgspec DTOs of the JWST API: planet-class prediction, retrieval answers, training bodies."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec

from astrobio.domain.errors import DomainError, InvalidQuantity
from astrobio.domain.jwst_classifier import CLASS_ORDER, ClassifierInput, ClassProbabilities
from astrobio.domain.jwst_spectrum import ObservedSpectrum

Positive = Annotated[float, msgspec.Meta(gt=0)]

#: Content types of spectrum uploads and answers.
MEDIA = {"fits": "application/fits", "csv": "text/csv", "json": "application/json"}


def format_of(content_type: str, data: bytes) -> str:
    """``fits`` / ``csv`` / ``json`` from the Content-Type, sniffing the bytes when it is generic."""
    ct = content_type.split(";", 1)[0].strip().lower()
    if ct in ("application/fits", "image/fits"):
        return "fits"
    if ct in ("text/csv", "application/csv"):
        return "csv"
    if ct == "application/json":
        return "json"
    if ct in ("", "application/octet-stream", "text/plain"):
        if data[:9] == b"SIMPLE  =":
            return "fits"
        return "json" if data.lstrip()[:1] == b"{" else "csv"
    raise InvalidQuantity(
        f"unsupported Content-Type {ct!r}: send application/fits, text/csv or application/json",
        field="content-type",
    )


class PlanetFeaturesBody(msgspec.Struct, forbid_unknown_fields=True):
    """One planet: radius (R_earth), insolation (S_earth), host Teff (K), radius and mass (solar);
    ``mass_earth`` is optional."""

    radius_earth: Positive
    insolation_earth: Positive
    star_teff_k: Positive
    star_radius_sun: Positive
    star_mass_sun: Positive
    mass_earth: Positive | None = None
    name: str | None = None

    def to_domain(self, path: str) -> ClassifierInput:
        try:
            return ClassifierInput(
                radius_earth=self.radius_earth,
                insolation_earth=self.insolation_earth,
                star_teff_k=self.star_teff_k,
                star_radius_sun=self.star_radius_sun,
                star_mass_sun=self.star_mass_sun,
                mass_earth=self.mass_earth,
            )
        except DomainError as exc:
            raise InvalidQuantity(exc.message, field=f"{path}.{exc.field}" if exc.field else path) from exc


class MulticlassBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /predict/multiclass``: ``planets``, 1-1000 planet feature objects."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("TRAPPIST-1 e with its mass, and a radius-only planet",
         {"planets": [{"name": "TRAPPIST-1 e",
                       "radius_earth": 0.92,
                       "insolation_earth": 0.66,
                       "star_teff_k": 2566.0,
                       "star_radius_sun": 0.1192,
                       "star_mass_sun": 0.0898,
                       "mass_earth": 0.692},
                      {"name": "radius only",
                       "radius_earth": 2.4,
                       "insolation_earth": 5.0,
                       "star_teff_k": 3500.0,
                       "star_radius_sun": 0.4,
                       "star_mass_sun": 0.4}]}),
    ]

    planets: Annotated[list[PlanetFeaturesBody], msgspec.Meta(min_length=1, max_length=1000)]

    def to_inputs(self) -> list[ClassifierInput]:
        return [p.to_domain(f"planets[{i}]") for i, p in enumerate(self.planets)]


class ClassRead(msgspec.Struct):
    name: str | None
    most_likely: str
    probabilities: dict[str, float]
    used_mass: bool


class MulticlassRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("TRAPPIST-1 e",
         {
             "model_id": "mc-20261203-b2",
             "classes": ["rocky", "water world", "mini-Neptune"],
             "predictions": [
                 {
                     "name": "TRAPPIST-1 e",
                     "most_likely": "rocky",
                     "probabilities": {"rocky": 0.88, "water world": 0.1, "mini-Neptune": 0.02},
                     "used_mass": True,
                 },
             ],
         }),
    ]

    model_id: str
    classes: list[str]
    predictions: list[ClassRead]

    @classmethod
    def from_domain(cls, body: MulticlassBody, probs: list[ClassProbabilities]) -> MulticlassRead:
        return cls(
            model_id=probs[0].model_id if probs else "",
            classes=[c.value for c in CLASS_ORDER],
            predictions=[
                ClassRead(
                    name=b.name,
                    most_likely=p.most_likely.value,
                    probabilities={c.value: round(p.probabilities[c], 6) for c in CLASS_ORDER},
                    used_mass=b.mass_earth is not None,
                )
                for b, p in zip(body.planets, probs, strict=True)
            ],
        )


class TrainJwstBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /jobs/train/jwst``: which model and its training options."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("retrain the planet-class classifier",
         {"model": "multiclass", "epochs": 5, "seed": 0}),
    ]

    model: Literal["denoiser", "retrieval", "multiclass"]
    n_spectra: Annotated[int, msgspec.Meta(ge=16, le=1_000_000)] | None = None
    epochs: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    mode: Literal["supervised", "noise2noise"] = "supervised"
    seed: int = 0
    #: Serve the new model (default) or only register it (``astrobio models activate`` later).
    activate: bool = True

    def to_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model, "mode": self.mode, "seed": self.seed,
                                  "activate": self.activate}
        if self.n_spectra is not None:
            params["n_spectra"] = self.n_spectra
        if self.epochs is not None:
            params["epochs"] = self.epochs
        return params


def spectrum_json(spectrum: ObservedSpectrum) -> dict[str, Any]:
    return {
        "wavelength_um": spectrum.wavelength_um.tolist(),
        "depth_ppm": spectrum.depth_ppm.tolist(),
        "sigma_ppm": spectrum.sigma_ppm.tolist(),
    }


#: A worked example of a JSON spectrum (48 bins on the model grid, 1.0-5.0 um): a 0.92 R_earth
#: planet with an isothermal 285 K atmosphere rich in water, drawn from the forward model with
#: noise at SNR 3 (seed 7). In the OpenAPI schema of ``/jwst/denoise`` and ``/jwst/retrieve``.
SPECTRUM_EXAMPLE: dict[str, list[float]] = {
    "wavelength_um": [1.0169, 1.0516, 1.0874, 1.1245, 1.1629, 1.2025, 1.2435, 1.2859, 1.3298, 1.3751, 1.422,
                     1.4705, 1.5206, 1.5725, 1.6261, 1.6815, 1.7389, 1.7982, 1.8595, 1.9229, 1.9885, 2.0563,
                     2.1264, 2.1989, 2.2739, 2.3514, 2.4316, 2.5145, 2.6002, 2.6889, 2.7806, 2.8754, 2.9735,
                     3.0748, 3.1797, 3.2881, 3.4002, 3.5162, 3.6361, 3.7601, 3.8883, 4.0208, 4.158, 4.2997,
                     4.4463, 4.598, 4.7547, 4.9169],
    "depth_ppm": [4948.9, 4950.0, 4976.8, 5047.8, 5036.2, 4984.8, 4949.2, 4969.5, 5033.6, 5096.3, 5075.8,
                 5044.8, 5005.7, 4948.5, 4948.8, 4954.1, 4988.1, 5065.7, 5087.5, 5082.5, 5020.0, 5004.2,
                 4949.3, 4971.2, 4989.7, 4991.1, 5015.4, 5088.7, 5142.1, 5141.1, 5113.3, 5079.7, 5047.0,
                 5046.9, 5064.4, 5058.4, 5043.3, 5013.4, 4977.5, 4978.7, 4984.9, 4978.1, 5108.5, 5157.4,
                 5087.5, 5019.5, 5037.6, 5048.9],
    "sigma_ppm": [3.5, 3.6, 3.7, 3.8, 3.8, 3.9, 4.0, 4.1, 4.2, 4.2, 4.3, 4.4, 4.5, 4.6, 4.7, 4.8, 4.9, 5.0,
                 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.9, 6.0, 6.1, 6.2, 6.3, 6.5, 6.6, 6.7, 6.9, 7.0, 7.2,
                 7.3, 7.5, 7.6, 7.8, 7.9, 8.1, 8.2, 8.4, 8.6, 8.8, 8.9, 9.1],
}
