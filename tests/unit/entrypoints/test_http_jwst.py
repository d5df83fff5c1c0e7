"""POST /jwst/denoise, /jwst/retrieve, /predict/multiclass with the shipped models; bad inputs -> 4xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.jwst.forward import MODEL_GRID
from astrobio.adapters.jwst.x1d import AstropyX1dCodec
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.jwst_spectrum import ObservedSpectrum
from astrobio.entrypoints.http import create_app

PLANET = {
    "radius_earth": 1.1,
    "insolation_earth": 0.9,
    "star_teff_k": 3300.0,
    "star_radius_sun": 0.3,
    "star_mass_sun": 0.3,
}
codec = AstropyX1dCodec()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    c = build_container(Settings(data_dir=tmp_path_factory.mktemp("var")))
    db = InMemoryDatabase()
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    with TestClient(app=create_app(c)) as cl:
        yield cl


def fine_spectrum(n: int = 200) -> ObservedSpectrum:
    """A finer-than-model spectrum over 0.9-5.1 um (rebinned by the endpoints)."""
    w = np.geomspace(0.9, 5.1, n)
    rng = np.random.default_rng(1)
    depth = 6000 + 40 * np.exp(-0.5 * ((w - 2.7) / 0.1) ** 2) + rng.normal(0, 8, n)
    return ObservedSpectrum(wavelength_um=w, depth_ppm=depth, sigma_ppm=np.full(n, 8.0))


def test_multiclass_returns_calibrated_probabilities(client: TestClient[Litestar]) -> None:
    # A brown dwarf (5000 M_earth > 13 M_J) has a Jupiter-like radius: the classifier sees mass and radius.
    bd = PLANET | {"mass_earth": 5000.0, "radius_earth": 11.0}
    r = client.post("/predict/multiclass", json={"planets": [PLANET, bd]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["classes"] == ["rocky", "water_rich", "sub_neptune", "gas_giant", "brown_dwarf"]
    for p in body["predictions"]:
        assert sum(p["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
    assert body["predictions"][1]["most_likely"] == "brown_dwarf" and body["predictions"][1]["used_mass"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"planets": [PLANET | {"radius_earth": -1}]}, "planets[0].radius_earth"),
        ({"planets": []}, "planets"),
        ({"planets": [{"radius_earth": 1.0}]}, "planets[0].insolation_earth"),
    ],
)
def test_multiclass_bad_input_is_422_naming_the_field(
    client: TestClient[Litestar], body: dict[str, object], field: str
) -> None:
    r = client.post("/predict/multiclass", json=body)
    assert r.status_code == 422 and r.json()["field"] == field


@pytest.mark.parametrize("fmt", ["fits", "json", "csv"])
def test_denoise_answers_in_the_format_it_was_sent(client: TestClient[Litestar], fmt: str) -> None:
    media = {"fits": "application/fits", "json": "application/json", "csv": "text/csv"}[fmt]
    r = client.post(
        "/jwst/denoise", content=codec.write(fine_spectrum(), fmt), headers={"content-type": media}
    )
    assert r.status_code == 200, r.text
    out = codec.read(r.content, fmt)
    assert out.wavelength_um == pytest.approx(MODEL_GRID.centres_um)
    assert (out.sigma_ppm > 0).all() and r.headers["x-model-id"].startswith("denoiser-")


def test_retrieve_returns_posterior_with_diagnostics_and_provenance(client: TestClient[Litestar]) -> None:
    data = codec.write(fine_spectrum(), "json")
    r = client.post(
        "/jwst/retrieve?fallback=false&n_samples=500",
        content=data,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["method"] == "npe" and len(body["parameters"]) == 8
    assert len(body["samples"]) == body["n_samples"] > 0
    for s in body["summary"]:
        assert s["ci95"][0] <= s["ci68"][0] <= s["median"] <= s["ci68"][1] <= s["ci95"][1]
    assert "importance_efficiency" in body["diagnostics"]
    assert (
        body["provenance"]["estimator"].startswith("retrieval-") and body["provenance"]["rebinned"] == "true"
    )


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [("background=CO", 422, "background"), ("star_radius_sun=0.01", 422, "star_radius_sun"),
     ("planet_mass_earth=5", 422, "planet_radius_earth"), ("planet=Vulcan%20b", 404, "name")],
)
def test_retrieve_refuses_a_bad_system(
    client: TestClient[Litestar], query: str, status: int, field: str
) -> None:
    r = client.post(f"/jwst/retrieve?{query}", content=codec.write(fine_spectrum(), "json"),
                    headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json().get("field") == field


def test_retrieve_as_a_job_is_accepted(client: TestClient[Litestar]) -> None:
    r = client.post(
        "/jwst/retrieve?job=true",
        content=codec.write(fine_spectrum(), "fits"),
        headers={"content-type": "application/fits"},
    )
    assert r.status_code == 202, r.text
    assert r.headers["location"].startswith("/jobs/")


def _json(**cols: list[float]) -> bytes:
    import json

    base = fine_spectrum(60)
    doc = {
        "wavelength_um": base.wavelength_um.tolist(),
        "depth_ppm": base.depth_ppm.tolist(),
        "sigma_ppm": base.sigma_ppm.tolist(),
    } | cols
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("path", "content", "ctype", "status", "field"),
    [
        ("/jwst/denoise", b"GIF89a not fits", "application/fits", 422, "file"),
        ("/jwst/retrieve", b"GIF89a not fits", "application/fits", 422, "file"),
        ("/jwst/denoise", b"wavelength_um,depth_ppm\n1,2\n2,3\n", "text/csv", 422, "sigma_ppm"),
        ("/jwst/denoise", _json(sigma_ppm=[-1.0] * 60), "application/json", 422, "sigma_ppm"),
        ("/jwst/retrieve", _json(depth_ppm=[None] * 60), "application/json", 422, "depth_ppm"),
        (
            "/jwst/denoise",
            _json(wavelength_um=list(np.linspace(6.0, 12.0, 60))),
            "application/json",
            422,
            "wavelength_um",
        ),
        ("/jwst/denoise", b"", "application/fits", 400, None),
        ("/jwst/denoise", b"{}", "image/png", 422, "content-type"),
    ],
)
def test_bad_spectra_are_4xx_naming_the_field(
    client: TestClient[Litestar], path: str, content: bytes, ctype: str, status: int, field: str | None
) -> None:
    r = client.post(path, content=content, headers={"content-type": ctype})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert r.json()["field"] == field


def test_an_absurdly_large_upload_is_413(client: TestClient[Litestar]) -> None:
    r = client.post("/jwst/denoise", content=b"0" * (17 * 1024 * 1024), headers={"content-type": "text/csv"})
    assert r.status_code == 413
    # the server is still up
    assert client.post("/predict/multiclass", json={"planets": [PLANET]}).status_code == 200


def test_fresh_install_paths_point_at_the_shipped_models() -> None:
    models = Path(__file__).resolve().parents[3] / "data" / "models" / "jwst"
    total = sum(p.stat().st_size for p in models.iterdir())
    assert total < 10 * 1024 * 1024
    assert {"multiclass.json", "denoiser.pt", "denoiser.json", "retrieval.pt", "retrieval.json"} <= {
        p.name for p in models.iterdir()
    }


def test_openapi_documents_the_routes(client: TestClient[Litestar]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/jwst/denoise", "/jwst/retrieve", "/predict/multiclass", "/jobs/train/jwst"} <= set(paths)
