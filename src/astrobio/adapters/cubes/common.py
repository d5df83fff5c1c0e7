"""What every cube store shares: id and selection checks, the checksum manifest, file hashes.

The cube checksum is the SHA-256 of a canonical manifest with one line per stored array (every
field and the coordinates ``time``, ``lev``, ``lat``, ``lon``), sorted by name::

    <name>\t<dtype, e.g. <f4>\t<shape, e.g. 6x10x32x64>\t<sha256 of the raw bytes in C order>\n

so it depends on the values, types and shapes only, not on chunking, compression or the store.

Light on purpose (numpy and the standard library only): the in-memory fake uses it without
paying for xarray or zarr.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from astrobio.domain.climate import ClimateCube, CubeVariable
from astrobio.domain.errors import InvalidQuantity

#: Cube ids become storage keys (``<root>/<id>.zarr``): no separators, no leading dot.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_HASH_BLOCK_BYTES = 1 << 20


def check_cube_id(cube_id: str) -> str:
    """Return ``cube_id`` if it is safe as one storage key, else raise ``InvalidQuantity``.

    Letters, digits, ``.``, ``_`` and ``-``, at most 128 characters, starting with a letter or digit
    (so it can never be ``..`` nor collide with the store's hidden ``.tmp-*`` keys).
    """
    if not _SAFE_ID.fullmatch(cube_id):
        raise InvalidQuantity(
            f"cube id {cube_id!r} is not a safe storage key (letters, digits, '.', '_', '-')", field="cube_id"
        )
    return cube_id


def check_selection(cube: ClimateCube, variable: str, time: int | None, lev: int | None) -> CubeVariable:
    """Validate a ``read``/``export`` selection against the cube's metadata.

    Raises
    ------
    InvalidQuantity
        With ``field`` ``"var"`` for an unknown variable, ``"time"`` or ``"lev"`` for an index that
        is not an integer in ``0 .. n-1``, or for a level asked of a variable without levels.
    """
    var = cube.variable(variable)
    n_time, n_lev, _, _ = cube.grid.shape
    for name, index, size in (("time", time, n_time), ("lev", lev, n_lev)):
        if index is None:
            continue
        if name not in var.dims:
            raise InvalidQuantity(f"variable {variable!r} has no {name} dimension (dims {var.dims})",
                                  field=name)
        if isinstance(index, bool) or not isinstance(index, int | np.integer) or not 0 <= index < size:
            raise InvalidQuantity(f"{name} index {index!r} out of range 0..{size - 1}", field=name)
    return var


def array_digest(blocks: Iterable[np.ndarray]) -> str:
    """SHA-256 of the raw bytes of consecutive C-order blocks (e.g. the time slabs of one array)."""
    h = hashlib.sha256()
    for block in blocks:
        h.update(np.ascontiguousarray(block).tobytes(order="C"))
    return h.hexdigest()


def manifest_line(name: str, dtype: np.dtype, shape: tuple[int, ...], digest: str) -> str:
    """One manifest line: ``name<TAB>dtype<TAB>shape<TAB>sha256`` (dtype with byte order, ``'<f4'``)."""
    return f"{name}\t{np.dtype(dtype).str}\t{'x'.join(map(str, shape))}\t{digest}\n"


def manifest_checksum(lines: Iterable[tuple[str, str]]) -> str:
    """SHA-256 of the canonical manifest: ``(name, line)`` pairs joined in sorted name order."""
    h = hashlib.sha256()
    for _, line in sorted(lines):
        h.update(line.encode())
    return h.hexdigest()


def arrays_checksum(arrays: dict[str, np.ndarray]) -> str:
    """The cube checksum of in-memory arrays (the same value the Zarr store computes from disk)."""
    return manifest_checksum(
        (name, manifest_line(name, a.dtype, a.shape, array_digest([a]))) for name, a in arrays.items()
    )


class ChunkedArray(Protocol):
    """What :func:`stored_checksum` needs of a stored array (a ``zarr.Array`` has it)."""

    @property
    def ndim(self) -> int: ...

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def dtype(self) -> Any: ...

    @property
    def chunks(self) -> tuple[int, ...]: ...

    def __getitem__(self, key: Any) -> Any: ...


def _slabs(arr: ChunkedArray) -> Iterator[np.ndarray]:
    """The array in consecutive chunk-high slabs along its first axis (C order, bounded memory)."""
    if arr.ndim == 0:
        yield np.asarray(arr[...])
        return
    step = arr.chunks[0]
    for i in range(0, arr.shape[0], step):
        yield np.asarray(arr[i : i + step])


def stored_checksum(arrays: Iterable[tuple[str, ChunkedArray]]) -> str:
    """The cube checksum of stored arrays, read one chunk-high slab at a time.

    Equal to :func:`arrays_checksum` of the same values held in memory.
    """
    return manifest_checksum(
        (name, manifest_line(name, np.dtype(a.dtype), a.shape, array_digest(_slabs(a)))) for name, a in arrays
    )


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_HASH_BLOCK_BYTES):
            h.update(block)
    return h.hexdigest()
