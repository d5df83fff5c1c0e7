"""The image can run GCM sweeps: the GCM extra (gfortran, Open MPI, pre-built ExoPlaSim) is installed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = (ROOT / "docker/Dockerfile").read_text()


def test_image_installs_the_gcm_toolchain_and_prebuilds_exoplasim() -> None:
    apt = " ".join(re.findall(r"apt-get install[^&]*", DOCKERFILE.replace("\\\n", " ")))
    for package in ("gfortran", "gcc", "g++", "make", "libopenmpi-dev", "openmpi-bin"):
        assert re.search(rf"(^|\s){re.escape(package)}(\s|$)", apt), package
    assert '".[gcm]"' in DOCKERFILE  # the exoplasim pin comes from pyproject's gcm extra
    assert "scripts/install_exoplasim.sh" in DOCKERFILE  # T21 binaries built once, at build time
    script = (ROOT / "scripts/install_exoplasim.sh").read_text()
    assert "most_plasim_t21_l10_p" in script


def test_image_finds_the_pinned_torch_with_or_without_pytorchs_index() -> None:
    pin = re.search(r"^torch==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M)
    assert pin is not None
    assert "--extra-index-url \"$TORCH_INDEX_URL\"" in DOCKERFILE
    fallback = re.search(r"sed -E '(s/[^']+)'", DOCKERFILE)
    assert fallback is not None
    pattern, replacement = fallback.group(1).split("/")[1:3]
    plain = re.sub(pattern.replace("\\+", r"\+").replace("([^+]+)", r"([^+]+)"),
                   replacement.replace("\\1", r"\1"), f"torch=={pin.group(1)}")
    assert plain == f"torch=={pin.group(1).split('+')[0]}"
