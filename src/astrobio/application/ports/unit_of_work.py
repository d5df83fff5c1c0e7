"""Unit of work: one atomic transaction over the repositories."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from astrobio.application.ports.repositories import (
    CubeRepository,
    JobRepository,
    PlanetRepository,
    RunRepository,
    SweepRepository,
)


class UnitOfWork(Protocol):
    """Use as ``with uow_factory() as uow: ...; uow.commit()``.

    Leaving the block without :meth:`commit` (or on an exception) rolls back: nothing
    written inside the block is visible afterwards.
    """

    planets: PlanetRepository
    jobs: JobRepository
    sweeps: SweepRepository
    runs: RunRepository
    cubes: CubeRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
