"""Server-side files named in API job parameters: only inside the configured import directories.

A job parameter that names a file (``source``, ``path``, ``paths``, ``panel``, ``dest_dir`` ...),
or any string that looks like a filesystem path, must resolve (symlinks followed) under one of
``ASTROBIO_IMPORT_DIRS``. The answer is the same 422 whether the file exists or not, and the file
is never opened here: the API is not a file-existence oracle.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from astrobio.domain.errors import InvalidQuantity

#: Parameters whose string values are file names whatever they look like.
PATH_KEYS = frozenset({
    "source", "sources", "path", "paths", "file", "files", "dest_dir", "out_dir", "dir", "directory",
    "panel", "vcf", "sample_table", "indexes", "input", "output",
})
#: Values of path parameters that are keywords, not files.
KEYWORDS = frozenset({"bundled", "archive", "rest", "ncbi", "kegg", "local", ""})
_REMOTE_SCHEMES = ("http://", "https://", "s3://", "gs://", "az://", "ftp://")


def _looks_like_path(value: str) -> bool:
    return value.startswith(("/", "~", "./", "../", "file:")) or "/../" in value or "\\" in value


def _resolve(value: str, roots: Sequence[Path]) -> str | None:
    """``value`` as an absolute path under one of ``roots``, or None when it is not under one."""
    if value.startswith(_REMOTE_SCHEMES) or "\x00" in value:
        return None  # a job reads server-side files here, never a URL it was handed
    text = value.removeprefix("file://").removeprefix("file:")
    target = Path(os.path.expanduser(text))
    if not target.is_absolute():
        if not roots:
            return None
        target = roots[0] / target
    resolved = target.resolve(strict=False)
    if any(resolved == root or resolved.is_relative_to(root) for root in roots):
        return str(resolved)
    return None


def confine_paths(params: Any, roots: Sequence[Path], field: str = "params", key: str = "") -> Any:
    """``params`` with every file name made absolute, or a 422 (:class:`InvalidQuantity` naming
    the parameter) for one outside ``roots``. Relative names are relative to the first root."""
    if isinstance(params, str):
        if (key in PATH_KEYS and params not in KEYWORDS) or _looks_like_path(params):
            resolved = _resolve(params, roots)
            if resolved is None:
                raise InvalidQuantity(
                    "not inside the server's import directories (ASTROBIO_IMPORT_DIRS); "
                    "copy the file there and name it relative to that directory",
                    field=field,
                )
            return resolved
        return params
    if isinstance(params, dict):
        return {k: confine_paths(v, roots, f"{field}.{k}", str(k)) for k, v in params.items()}
    if isinstance(params, list | tuple):
        return [confine_paths(v, roots, f"{field}[{i}]", key) for i, v in enumerate(params)]
    return params
