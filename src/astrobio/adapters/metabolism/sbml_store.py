"""Content-addressed SBML files on local disk: ``<root>/<sha[:2]>/<sha>.xml.gz``."""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path

from astrobio.adapters.metabolism.cobra_engine import read_sbml_text
from astrobio.application.ports.metabolism import SbmlStore, StoredSbml


class LocalSbmlStore(SbmlStore):
    """Stores the uncompressed SBML's bytes gzip-compressed under their sha256.

    Writes go to a temporary file in the target folder and are renamed into place, so a
    crash never leaves a partial file under a valid name; identical content is written once.
    """

    def __init__(self, root: Path) -> None:
        self._root = root

    def put(self, path: str) -> StoredSbml:
        data = read_sbml_text(path).encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        target = self._root / sha[:2] / f"{sha}.xml.gz"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".xml.gz")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(gzip.compress(data, compresslevel=6, mtime=0))
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return StoredSbml(sha256=sha, uri=str(target.resolve()))
