"""Multinomial logistic planet-class classifier on quadratic log features, temperature-scaled.

Training (scikit-learn, imported lazily) uses the archive planets whose mass and radius are both
measured (not M sin i, not an upper limit, not filled in from a mass-radius relation), labelled by
their most probable composition class (:func:`~astrobio.domain.composition.composition_probabilities`:
mass and radius with their catalog errors against the Zeng et al. curves). Split 60/20/20 (train /
calibration / test, stratified); one temperature (Guo et al. 2017) is fitted on the calibration split;
the card reports the held-out catalog planets against two radius-only baselines (Chen & Kipping's
mass classes, and the population relation of :mod:`~astrobio.domain.composition`). Two models are
stored: without the mass (the real prediction: composition from radius, orbit and star) and with
it (log M and log R: it reproduces the Zeng classification, which is not skill). Inference is
plain numpy.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from astrobio.application.ports.jwst import PlanetClassifier
from astrobio.domain.composition import CLASSES, composition_probabilities
from astrobio.domain.errors import NotFound
from astrobio.domain.jwst_classifier import (
    CLASS_ORDER,
    ClassifierInput,
    ClassProbabilities,
    chen_kipping_class,
    confusion_matrix,
    cross_class_confusion,
    expected_calibration_error,
    insolation_earth,
)
from astrobio.domain.planet import Planet

MODEL_FILE = "multiclass.json"


def _poly(x: NDArray[np.float64], powers: NDArray[np.int64]) -> NDArray[np.float64]:
    return np.asarray(np.prod(x[:, None, :] ** powers[None, :, :], axis=2))


def _softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


class _Linear:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.mean = np.asarray(spec["mean"])
        self.scale = np.asarray(spec["scale"])
        self.powers = np.asarray(spec["powers"], dtype=np.int64)
        self.coef = np.asarray(spec["coef"])
        self.intercept = np.asarray(spec["intercept"])
        self.temperature = float(spec["temperature"])

    def logits(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        z = _poly((x - self.mean) / self.scale, self.powers)
        return np.asarray(z @ self.coef.T + self.intercept)

    def proba(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return _softmax(self.logits(x) / self.temperature)


class LogisticPlanetClassifier(PlanetClassifier):
    """Loads ``multiclass.json`` from ``model_dir`` (404-style :class:`NotFound` when absent)."""

    def __init__(self, model_dir: Path) -> None:
        path = model_dir / MODEL_FILE
        if not path.is_file():
            raise NotFound(f"no multiclass model at {path}: run `astrobio train multiclass`", field="model")
        self._doc = json.loads(path.read_text())
        self.model_id = str(self._doc["model_id"])
        self._without = _Linear(self._doc["models"]["without_mass"])
        self._with = _Linear(self._doc["models"]["with_mass"])

    def predict(self, inputs: list[ClassifierInput]) -> list[ClassProbabilities]:
        out: list[ClassProbabilities] = []
        for inp in inputs:
            model = self._with if inp.mass_earth is not None else self._without
            p = model.proba(inp.features(with_mass=inp.mass_earth is not None)[None, :])[0]
            p = p / p.sum()
            out.append(
                ClassProbabilities(
                    probabilities=dict(zip(CLASS_ORDER, map(float, p), strict=True)), model_id=self.model_id
                )
            )
        return out

    def card(self) -> dict[str, Any]:
        return dict(self._doc["card"])


def labelled_planets(planets: list[Planet]) -> tuple[list[ClassifierInput], NDArray[np.int64]]:
    """Inputs and class labels of the planets with a measured mass and everything else needed."""
    inputs: list[ClassifierInput] = []
    labels: list[int] = []
    for p in planets:
        s = p.star
        if (
            p.mass_earth is None
            or p.mass_is_minimum
            or p.radius_earth is None
            or s.teff_k is None
            or s.radius_sun is None
            or s.mass_sun is None
            or p.semi_major_axis_au is None
        ):
            continue
        inputs.append(
            ClassifierInput(
                radius_earth=p.radius_earth,
                star_teff_k=s.teff_k,
                star_radius_sun=s.radius_sun,
                star_mass_sun=s.mass_sun,
                mass_earth=p.mass_earth,
                insolation_earth=insolation_earth(
                    star_radius_sun=s.radius_sun,
                    star_teff_k=s.teff_k,
                    semi_major_axis_au=p.semi_major_axis_au,
                ),
            )
        )
        comp = composition_probabilities(
            radius_earth=p.radius_earth, radius_err=p.error("radius_earth"),
            mass_earth=p.mass_earth, mass_err=p.error("mass_earth"), n_draws=400,
        )
        labels.append(CLASS_ORDER.index(comp.most_likely))
    return inputs, np.asarray(labels, dtype=np.int64)


def x_inputs(inputs: list[ClassifierInput], mask: NDArray[np.bool_]) -> list[ClassifierInput]:
    """The inputs selected by ``mask``."""
    return [i for i, keep in zip(inputs, mask, strict=True) if keep]


def _fit_temperature(logits: NDArray[np.float64], y: NDArray[np.int64]) -> float:
    best_t, best_nll = 1.0, np.inf
    for t in np.geomspace(0.02, 8.0, 300):
        p = _softmax(logits / t)
        nll = -float(np.mean(np.log(p[np.arange(y.size), y] + 1e-12)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


#: Monomials of the standardized log features (R, S, Teff, R*, M*): cubic in radius, linear in the
#: rest, radius x insolation and radius x stellar mass (quadratic stellar terms extrapolate badly).
RADIUS_POWERS = [
    [1, 0, 0, 0, 0],
    [2, 0, 0, 0, 0],
    [3, 0, 0, 0, 0],
    [0, 1, 0, 0, 0],
    [0, 0, 1, 0, 0],
    [0, 0, 0, 1, 0],
    [0, 0, 0, 0, 1],
    [1, 1, 0, 0, 0],
    [1, 0, 0, 0, 1],
]
#: With a measured mass the class follows mass and radius (the Zeng curves are near-lines in log-log):
#: quadratic in log10 R and log10 M, cubic in log10 R.
MASS_POWERS = [
    [1, 0, 0, 0, 0, 0],
    [2, 0, 0, 0, 0, 0],
    [3, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 2],
    [1, 0, 0, 0, 0, 1],
]


def _fit(
    x: NDArray[np.float64],
    y: NDArray[np.int64],
    x_cal: NDArray[np.float64],
    y_cal: NDArray[np.int64],
    powers: list[list[int]],
    c: float,
) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    pw = np.asarray(powers, dtype=np.int64)
    lr = LogisticRegression(C=c, max_iter=5000).fit(_poly((x - mean) / scale, pw), y)
    # A class absent from the training split keeps a row that never wins (so every vector has 5 entries).
    coef = np.zeros((len(CLASS_ORDER), pw.shape[0]))
    intercept = np.full(len(CLASS_ORDER), -30.0)
    if lr.coef_.shape[0] == len(lr.classes_):
        coef[lr.classes_], intercept[lr.classes_] = lr.coef_, lr.intercept_
    else:  # two classes: one row, the second class against the first
        coef[lr.classes_[1]], intercept[lr.classes_[1]] = lr.coef_[0], lr.intercept_[0]
        intercept[lr.classes_[0]] = 0.0
    spec: dict[str, Any] = {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "powers": powers,
        "coef": coef.tolist(),
        "intercept": intercept.tolist(),
        "temperature": 1.0,
    }
    spec["temperature"] = _fit_temperature(_Linear(spec).logits(x_cal), y_cal)
    return spec


def _metrics(proba: NDArray[np.float64], y: NDArray[np.int64]) -> dict[str, Any]:
    m = confusion_matrix(y.tolist(), proba.argmax(axis=1).tolist(), len(CLASS_ORDER))
    return {
        "accuracy": float(np.trace(m) / m.sum()),
        "confusion_matrix": m.tolist(),
        "cross_class_confusion": cross_class_confusion(m),
        "expected_calibration_error": expected_calibration_error(proba, y),
    }


def train_classifier(
    planets: list[Planet], out_dir: Path, *, seed: int = 0, source: str = ""
) -> dict[str, Any]:
    """Fit both models, evaluate on the held-out split, write ``multiclass.json``; return its card."""
    start = time.perf_counter()
    inputs, y = labelled_planets(planets)
    rng = np.random.default_rng(seed)
    split = np.empty(y.size, dtype=np.int64)
    for k in range(len(CLASS_ORDER)):  # stratified 60 / 20 / 20
        idx = rng.permutation(np.flatnonzero(y == k))
        n_tr, n_cal = round(0.6 * idx.size), round(0.2 * idx.size)
        split[idx[:n_tr]], split[idx[n_tr : n_tr + n_cal]], split[idx[n_tr + n_cal :]] = 0, 1, 2
    x0 = np.stack([i.features(with_mass=False) for i in inputs])
    x1 = np.stack([i.features(with_mass=True) for i in inputs])
    tr, cal = split == 0, split == 1
    models = {
        "without_mass": _fit(x0[tr], y[tr], x0[cal], y[cal], RADIUS_POWERS, 1.0),
        "with_mass": _fit(x1[tr], y[tr], x1[cal], y[cal], MASS_POWERS, 1000.0),
    }
    test = split == 2
    ck = np.array(
        [
            CLASS_ORDER.index(chen_kipping_class(i.radius_earth))
            for i, t in zip(inputs, test, strict=True)
            if t
        ]
    )
    ck_onehot = np.eye(len(CLASS_ORDER))[ck]
    from astrobio.domain.composition import radius_only_probabilities

    relation = radius_only_probabilities(np.array([i.radius_earth for i in x_inputs(inputs, test)]))
    relation = relation[:, [CLASSES.index(c) for c in CLASS_ORDER]]
    card: dict[str, Any] = {
        "classes": [c.value for c in CLASS_ORDER],
        "features": [
            "log10 radius_earth",
            "log10 insolation_earth",
            "log10 star_teff_k",
            "log10 star_radius_sun",
            "log10 star_mass_sun",
        ],
        "features_with_mass": ["log10 radius_earth", "log10 mass_earth"],
        "labels": "most probable composition class from measured mass and radius with their catalog errors "
                  "(Zeng et al. 2016/2019 curves: rocky <= pure silicate < water-rich <= pure water < "
                  "H/He envelope; giant R > 4 R_earth or M >= 0.414 M_J; brown dwarf M >= 13 M_J)",
        "evaluated_on": "held-out catalog planets with measured mass and radius (20 %, stratified)",
        "source": source,
        "seed": seed,
        "n_train": int((split == 0).sum()),
        "n_calibration": int((split == 1).sum()),
        "n_test": int(test.sum()),
        "test_class_counts": np.bincount(y[test], minlength=len(CLASS_ORDER)).tolist(),
        "held_out": {
            "without_mass": _metrics(_Linear(models["without_mass"]).proba(x0[test]), y[test]),
            "with_mass": _metrics(_Linear(models["with_mass"]).proba(x1[test]), y[test]),
            "chen_kipping_radius_baseline": _metrics(ck_onehot, y[test]),
            "radius_only_relation_baseline": _metrics(relation, y[test]),
        },
        "temperatures": {k: v["temperature"] for k, v in models.items()},
        "training_time_s": round(time.perf_counter() - start, 3),
    }
    body = json.dumps(models, sort_keys=True).encode()
    doc = {"model_id": "multiclass-" + hashlib.sha256(body).hexdigest()[:12], "card": card, "models": models}
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (MODEL_FILE + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1))
    tmp.replace(out_dir / MODEL_FILE)
    return {"model_id": doc["model_id"], **card}
