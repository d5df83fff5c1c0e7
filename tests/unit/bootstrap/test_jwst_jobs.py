"""The JWST job handlers: a training set generated chunk by chunk by separate job runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from astrobio.adapters.jwst.forward import MODEL_GRID
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.jwst_container import JWST_RETRIEVE_JOB, JWST_TRAIN_JOB, JWST_TRAINING_SET_JOB
from astrobio.bootstrap.settings import Settings


def test_chunks_from_separate_jobs_make_one_finalized_dataset(tmp_path: Path) -> None:
    c = build_container(Settings(data_dir=tmp_path))
    handlers = c.job_handlers()
    assert {JWST_RETRIEVE_JOB, JWST_TRAIN_JOB, JWST_TRAINING_SET_JOB} <= set(handlers)
    params = {"n_spectra": 50, "chunk_size": 20, "seed": 7}
    first = handlers[JWST_TRAINING_SET_JOB](params | {"chunks": [0, 2]})
    assert not first["complete"] and first["total_bytes"] is None
    second = handlers[JWST_TRAINING_SET_JOB](params | {"chunks": [1]})
    assert second["complete"] and second["version"] == first["version"]
    assert (Path(second["path"]) / "manifest.json").is_file()


def test_the_retrieve_job_returns_a_posterior_summary(tmp_path: Path) -> None:
    c = build_container(Settings(data_dir=tmp_path))
    w = MODEL_GRID.centres_um
    spectrum = {
        "wavelength_um": w.tolist(),
        "depth_ppm": (6000 + 20 * np.cos(w)).tolist(),
        "sigma_ppm": [5.0] * w.size,
    }
    out = c.job_handlers()[JWST_RETRIEVE_JOB](
        {"spectrum": json.dumps(spectrum), "fallback": False, "n_samples": 200}
    )
    assert out["method"] == "npe" and len(out["summary"]) == 8 and out["provenance"]["rebinned"] == "false"
