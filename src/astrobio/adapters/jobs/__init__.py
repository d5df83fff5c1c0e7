"""Batch job runners (the ``JobRunner`` port): local subprocess pool, SLURM, and the in-memory fake.

Each module imports only the standard library, so importing one costs nothing.
"""

from astrobio.adapters.jobs.local import LocalJobRunner
from astrobio.adapters.jobs.memory import InMemoryJobRunner
from astrobio.adapters.jobs.slurm import SlurmJobRunner

__all__ = ["InMemoryJobRunner", "LocalJobRunner", "SlurmJobRunner"]
