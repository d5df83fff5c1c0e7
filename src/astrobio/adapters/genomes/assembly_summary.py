"""NCBI ``assembly_summary.txt`` in any of its layouts, the header read from the file.

Layouts seen: the pre-2020 files (20-22 columns, ``# assembly_accession`` header, ``submitter``)
and the current one (38 columns, ``#assembly_accession``, ``asm_submitter``, with group, genome
size and GC). Columns are found by name, so a file is accepted when its header names the required
columns, whatever their order or the extra ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from astrobio.adapters.genomes.sequence_files import open_text
from astrobio.application.ports.genomes import AssemblySummaryReader
from astrobio.domain.errors import DomainError, InvalidDataset
from astrobio.domain.genome import AssemblyFilter, AssemblyRecord

REQUIRED = (
    "assembly_accession",
    "taxid",
    "species_taxid",
    "organism_name",
    "version_status",
    "assembly_level",
    "ftp_path",
)
OPTIONAL = (
    "infraspecific_name",
    "refseq_category",
    "asm_name",
    "seq_rel_date",
    "group",
    "genome_size",
    "gc_percent",
)


def _na(v: str) -> str | None:
    return None if v in ("", "na") else v


def detect_layout(header_lines: list[str], path: Path) -> dict[str, int]:
    """Column name -> index from the last ``#`` line naming ``assembly_accession``."""
    for line in reversed(header_lines):
        names = [c.strip() for c in line.lstrip("#").strip("\n").split("\t")]
        if names and names[0] == "assembly_accession":
            index = {n: i for i, n in enumerate(names)}
            missing = [c for c in REQUIRED if c not in index]
            if missing:
                raise InvalidDataset(
                    f"{path.name}: unknown assembly_summary layout, header lacks {missing}", field="header"
                )
            return index
    raise InvalidDataset(
        f"{path.name}: unknown assembly_summary layout (no '# assembly_accession' header line)",
        field="header",
    )


class TsvAssemblySummaryReader(AssemblySummaryReader):
    """Streams rows; ``version_status`` and level are checked on the raw text before a record is built."""

    def read(self, path: Path, flt: AssemblyFilter) -> Iterator[AssemblyRecord]:
        with open_text(path) as fh:
            header: list[str] = []
            line = fh.readline()
            while line.startswith("#"):
                header.append(line)
                line = fh.readline()
            idx = detect_layout(header, path)
            req = [idx[c] for c in REQUIRED]
            opt = [idx.get(c) for c in OPTIONAL]
            width = max(idx.values()) + 1
            i_status, i_level = idx["version_status"], idx["assembly_level"]
            n = len(header)
            while line:
                n += 1
                if line.strip():
                    f = line.rstrip("\n").split("\t")
                    if len(f) < width:
                        if len(f) <= max(req):  # trailing optional columns may be cut, required ones not
                            raise InvalidDataset(
                                f"{path.name} line {n}: {len(f)} columns, header has {width}", field="row"
                            )
                        f += [""] * (width - len(f))
                    if (flt.latest_only and f[i_status] != "latest") or (
                        flt.assembly_levels is not None and f[i_level] not in flt.assembly_levels
                    ):
                        line = fh.readline()
                        continue
                    rec = self._record(f, req, opt, path, n)
                    if flt.matches(rec):
                        yield rec
                line = fh.readline()

    @staticmethod
    def _record(f: list[str], req: list[int], opt: list[int | None], path: Path, n: int) -> AssemblyRecord:
        acc, taxid, sp, org, status, level, ftp = (f[i] for i in req)
        infra, cat, asm, date, group, size, gc = (None if i is None else _na(f[i]) for i in opt)
        try:
            return AssemblyRecord(
                accession=acc,
                taxid=int(taxid),
                species_taxid=int(sp),
                organism_name=org,
                infraspecific_name=infra,
                refseq_category=cat,
                version_status=status,
                assembly_level=level,
                asm_name=asm,
                ftp_path=_na(ftp),
                seq_rel_date=date,
                group=group,
                genome_size_bp=int(size) if size else None,
                gc_percent=float(gc) if gc else None,
            )
        except DomainError as exc:
            raise InvalidDataset(f"{path.name} line {n}: {exc.message}", field=exc.field) from None
        except ValueError as exc:
            raise InvalidDataset(f"{path.name} line {n}: {exc}", field="row") from None
