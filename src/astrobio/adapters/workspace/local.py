"""LocalRunWorkspace: one directory per run under a root (shared with SLURM nodes)."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from astrobio.application.ports.workspace import RunWorkspace
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.errors import InvalidQuantity

_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")


class LocalRunWorkspace(RunWorkspace):
    """``<root>/<run_id>/`` with ``params.json``; on a cluster, ``root`` must be on a shared FS."""

    def __init__(self, root: str | Path) -> None:
        self._root = Path(root).resolve()

    def workdir(self, run_id: str) -> str:
        if not _SAFE.match(run_id):
            raise InvalidQuantity(f"unsafe run id {run_id!r}", field="run_id")
        d = self._root / run_id
        d.mkdir(parents=True, exist_ok=True)
        return str(d)

    def write_parameters(self, run_id: str, params: ClimateParameters) -> str:
        d = Path(self.workdir(run_id))
        target = d / "params.json"
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".params-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(params.to_dict(), f, indent=1, sort_keys=True)
        os.replace(tmp, target)
        return str(target)
