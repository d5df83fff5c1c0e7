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
