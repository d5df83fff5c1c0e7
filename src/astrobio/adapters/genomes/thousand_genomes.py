"""1000 Genomes tables: sample panel / IGSR sample table, VCF genotypes, genotype PCA (scikit-learn).

The VCF is read with a plain streaming parser, not pysam: the bundled phase-3 subset has no ``##``
meta lines (a body with its ``#CHROM`` header only), which htslib refuses. Plain text or gzip/bgzip
is accepted; only biallelic records count, ``GT`` must be the first FORMAT key.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from astrobio.adapters.genomes.sequence_files import open_text
from astrobio.application.ports.genomes import (
    GenotypePcaEngine,
    Genotypes,
    PopulationDataReader,
    ReadFileInspector,
)
from astrobio.domain.errors import DomainError, InvalidDataset
from astrobio.domain.population import GenotypePca, PopulationSample, ReadStats, SequenceFile

_DOSAGE = {"0|0": 0, "0/0": 0, "0|1": 1, "1|0": 1, "0/1": 1, "1/0": 1, "1|1": 2, "1/1": 2, "0": 0, "1": 2}
_PANEL = ("sample", "pop", "super_pop", "gender")
_IGSR = ("Sample name", "Sex", "Population code", "Superpopulation code")


#: file column -> its MD5 column, in the 1000 Genomes index layouts (phase 3 FASTQ/BAM, 30x ENA, CRAM).
_INDEX_FILE_COLUMNS = {
    "FASTQ_FILE": "MD5",
    "ENA_FILE_PATH": "MD5SUM",
    "BAM FILE": "BAM MD5",
    "BAI FILE": "BAI MD5",
    "BAM_FILE": "BAM_MD5",
    "BAI_FILE": "BAI_MD5",
    "CRAM": "CRAM_MD5",
    "CRAI": "CRAI_MD5",
    "CRAM_FILE": "CRAM_MD5",
    "CRAI_FILE": "CRAI_MD5",
}
_KINDS = (
    (".fastq.gz", "fastq"),
    (".fq.gz", "fastq"),
    (".fastq", "fastq"),
    (".bam", "bam"),
    (".cram", "cram"),
    (".bai", "bai"),
    (".crai", "crai"),
)


def file_kind_of(path: str) -> str | None:
    name = path.lower()
    return next((kind for suffix, kind in _KINDS if name.endswith(suffix)), None)


class PlainTextPopulationReader(PopulationDataReader):
    def _table(self, path: Path) -> tuple[list[str], list[list[str]]]:
        with open_text(path) as fh:
            header = [c.strip() for c in fh.readline().rstrip("\n").split("\t")]
            rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
        return header, rows

    def read_samples(self, path: Path) -> list[PopulationSample]:
        """Panel (``sample pop super_pop gender``) or IGSR export (``Sample name``, ``Sex``, ...).
        IGSR rows without a super-population (non-1000G collections) are skipped."""
        header, rows = self._table(path)
        col = {c: i for i, c in enumerate(header)}
        keys = _PANEL if all(k in col for k in _PANEL) else _IGSR if all(k in col for k in _IGSR) else None
        if keys is None:
            raise InvalidDataset(
                f"{path.name}: neither a 1000 Genomes panel ({', '.join(_PANEL)}) nor an IGSR sample table",
                field="header",
            )
        igsr = keys is _IGSR
        # (sample, population, super-population, sex) columns of either layout
        i_s, i_pop, i_sup, i_sex = (
            col[k] for k in ((_IGSR[0], _IGSR[2], _IGSR[3], _IGSR[1]) if igsr else _PANEL)
        )
        out: list[PopulationSample] = []
        seen: set[str] = set()
        for n, r in enumerate(rows, 2):
            r += [""] * (len(header) - len(r))
            if igsr and not r[i_sup].strip():
                continue
            sid = r[i_s].strip()
            if sid in seen:
                raise InvalidDataset(f"{path.name} line {n}: sample {sid} listed twice", field="sample")
            seen.add(sid)
            try:
                out.append(
                    PopulationSample(
                        sample_id=sid,
                        population=r[i_pop].strip(),
                        super_population=r[i_sup].strip(),
                        sex=r[i_sex].strip() or None,
                    )
                )
            except DomainError as exc:
                raise InvalidDataset(f"{path.name} line {n}: {exc.message}", field=exc.field) from None
        if not out:
            raise InvalidDataset(f"{path.name}: no samples", field="path")
        return out

    def population_names(self, path: Path) -> dict[str, str]:
        header, rows = self._table(path)
        col = {c: i for i, c in enumerate(header)}
        if "Population code" not in col or "Population name" not in col:
            raise InvalidDataset(
                f"{path.name}: no 'Population code'/'Population name' columns", field="header"
            )
        return {
            r[col["Population code"]]: r[col["Population name"]]
            for r in rows
            if len(r) > col["Population name"] and r[col["Population code"]]
        }

    def read_index(self, path: Path) -> list[SequenceFile]:
        """Header found by name (``#``-prefixed or not); withdrawn rows and ``.bas`` files skipped;
        the sample is ``SAMPLE_NAME`` or, in alignment indexes, the file name up to its first dot."""
        with open_text(path) as fh:
            lines = [ln.rstrip("\n").split("\t") for ln in fh if ln.strip() and not ln.startswith("##")]
        col: dict[str, int] = {}
        start = 0
        for n, cells in enumerate(lines):
            names = [c.lstrip("#").strip().upper() for c in cells]
            if any(name in _INDEX_FILE_COLUMNS for name in names):
                col, start = {name: i for i, name in enumerate(names)}, n + 1
                break
            if not cells[0].startswith("#"):
                break
        files = [c for c in _INDEX_FILE_COLUMNS if c in col]
        if not files:
            raise InvalidDataset(
                f"{path.name}: not a 1000 Genomes sequence/alignment index (no "
                "FASTQ_FILE, ENA_FILE_PATH, BAM FILE or CRAM column)",
                field="header",
            )
        out: dict[str, SequenceFile] = {}
        for n, r in enumerate(lines[start:], start + 1):
            r = r + [""] * (len(col) - len(r))
            if col.get("WITHDRAWN") is not None and r[col["WITHDRAWN"]].strip() == "1":
                continue
            for fc in files:
                fpath = r[col[fc]].strip()
                if not fpath:
                    continue
                kind = file_kind_of(fpath)
                if kind is None:
                    raise InvalidDataset(
                        f"{path.name} line {n}: {fpath} is not FASTQ/BAM/CRAM/BAI/CRAI", field=fc
                    )
                md5_col = col.get(_INDEX_FILE_COLUMNS[fc])
                md5 = r[md5_col].strip().lower() if md5_col is not None else ""
                sample = (
                    r[col["SAMPLE_NAME"]].strip()
                    if "SAMPLE_NAME" in col
                    else fpath.rsplit("/", 1)[-1].split(".", 1)[0]
                )
                pop = r[col["POPULATION"]].strip() if "POPULATION" in col else ""
                try:
                    out.setdefault(
                        fpath,
                        SequenceFile(
                            path=fpath, sample_id=sample, kind=kind, md5=md5 or None, population=pop or None
                        ),
                    )
                except DomainError as exc:
                    raise InvalidDataset(f"{path.name} line {n}: {exc.message}", field=exc.field) from None
        if not out:
            raise InvalidDataset(f"{path.name}: no file rows", field="path")
        return list(out.values())

    def read_genotypes(self, path: Path) -> Genotypes:
        ids: list[str] = []
        chroms: list[str] = []
        pos: list[int] = []
        refs: list[str] = []
        alts: list[str] = []
        rows: list[np.ndarray] = []
        samples: list[str] | None = None
        with open_text(path) as fh:
            for n, line in enumerate(fh, 1):
                if line.startswith("##"):
                    continue
                if line.startswith("#CHROM"):
                    samples = line.rstrip("\n").split("\t")[9:]
                    continue
                if samples is None:
                    raise InvalidDataset(
                        f"{path.name} line {n}: data before the #CHROM header", field="header"
                    )
                f = line.rstrip("\n").split("\t")
                if len(f) != 9 + len(samples):
                    raise InvalidDataset(
                        f"{path.name} line {n}: {len(f) - 9} genotypes for {len(samples)} samples",
                        field="genotypes",
                    )
                if "," in f[4] or not f[1].isdigit():
                    continue
                if not f[8].startswith("GT"):
                    raise InvalidDataset(
                        f"{path.name} line {n}: FORMAT {f[8]!r} does not start with GT", field="FORMAT"
                    )
                gts = f[9:] if f[8] == "GT" else [g.split(":", 1)[0] for g in f[9:]]
                rows.append(np.fromiter((_DOSAGE.get(g, -1) for g in gts), dtype=np.int8, count=len(gts)))
                ids.append(f[2] if f[2] != "." else f"{f[0]}:{f[1]}:{f[3]}:{f[4]}")
                chroms.append(f[0])
                pos.append(int(f[1]))
                refs.append(f[3])
                alts.append(f[4])
        if samples is None or not rows:
            raise InvalidDataset(f"{path.name}: no #CHROM header or no biallelic records", field="path")
        return Genotypes(
            variant_ids=ids,
            chroms=chroms,
            positions=pos,
            refs=refs,
            alts=alts,
            sample_ids=samples,
            dosage=np.vstack(rows),
        )


class SklearnGenotypePca(GenotypePcaEngine):
    """PCA (scikit-learn, full SVD) of mean-imputed alt-allele dosages, samples as rows."""

    def fit(self, dosage: np.ndarray, groups: np.ndarray, n_components: int) -> GenotypePca:
        from sklearn.decomposition import PCA

        x = dosage.T.astype(np.float64)
        missing = x < 0
        if missing.any():
            means = np.nanmean(np.where(missing, np.nan, x), axis=0)
            x = np.where(missing, np.nan_to_num(means)[None, :], x)
        pca = PCA(n_components=n_components, svd_solver="full")
        coords = pca.fit_transform(x)
        centroids = {
            g: tuple(float(v) for v in coords[groups == g].mean(axis=0)) for g in sorted(set(groups.tolist()))
        }
        spreads = {g: tuple(float(v) for v in coords[groups == g].std(axis=0)) for g in centroids}
        return GenotypePca(
            n_samples=x.shape[0],
            n_variants=x.shape[1],
            explained_variance_ratio=tuple(float(v) for v in pca.explained_variance_ratio_),
            centroids=centroids,
            spreads=spreads,
        )


def has_vcf_meta_header(path: Path) -> bool:
    with open_text(path) as fh:
        return fh.readline().startswith("##fileformat=VCF")


class PysamPopulationReader(PlainTextPopulationReader):
    """Reads VCF/BCF with a proper ``##fileformat`` header through pysam (htslib); body-only VCFs such
    as the bundled phase-3 subset fall back to the plain parser."""

    def read_genotypes(self, path: Path) -> Genotypes:
        if path.suffix != ".bcf" and not has_vcf_meta_header(path):
            return super().read_genotypes(path)
        import pysam

        try:
            vf = pysam.VariantFile(str(path))
        except (OSError, ValueError) as exc:
            raise InvalidDataset(f"{path.name}: htslib cannot read it ({exc})", field="path") from None
        samples = list(vf.header.samples)
        ids: list[str] = []
        chroms: list[str] = []
        pos: list[int] = []
        refs: list[str] = []
        alts: list[str] = []
        rows: list[np.ndarray] = []
        with vf:
            for rec in vf:
                if not rec.alts or len(rec.alts) != 1 or rec.ref is None:
                    continue
                dosage = np.full(len(samples), -1, dtype=np.int8)
                for j, call in enumerate(rec.samples.values()):
                    gt = call.get("GT")
                    if gt and None not in gt:
                        dosage[j] = sum(a > 0 for a in gt) * (2 if len(gt) == 1 else 1)
                rows.append(dosage)
                ids.append(rec.id or f"{rec.chrom}:{rec.pos}:{rec.ref}:{rec.alts[0]}")
                chroms.append(rec.chrom)
                pos.append(rec.pos)
                refs.append(rec.ref)
                alts.append(rec.alts[0])
        if not rows:
            raise InvalidDataset(f"{path.name}: no biallelic records", field="path")
        return Genotypes(
            variant_ids=ids,
            chroms=chroms,
            positions=pos,
            refs=refs,
            alts=alts,
            sample_ids=samples,
            dosage=np.vstack(rows),
        )


class PysamReadInspector(ReadFileInspector):
    """FASTQ: reads and bases through ``pysam.FastxFile``. BAM/CRAM: mapped and unmapped read counts
    from the BAI/CRAI index alone (htslib index statistics), without reading the alignments."""

    def inspect(self, path: Path) -> ReadStats:
        import pysam

        kind = file_kind_of(path.name)
        if kind == "fastq":
            reads = bases = 0
            try:
                with pysam.FastxFile(str(path)) as fq:
                    for rec in fq:
                        reads += 1
                        bases += len(rec.sequence or "")
            except (OSError, ValueError) as exc:
                raise InvalidDataset(f"{path.name}: unreadable FASTQ ({exc})", field="path") from None
            return ReadStats(path=str(path), kind=kind, reads=reads, bases=bases)
        if kind not in ("bam", "cram"):
            raise InvalidDataset(f"{path.name}: expected FASTQ, BAM or CRAM", field="path")
        try:
            with pysam.AlignmentFile(str(path), "rb" if kind == "bam" else "rc") as aln:
                if not aln.has_index():
                    raise InvalidDataset(
                        f"{path.name}: no {'BAI' if kind == 'bam' else 'CRAI'} index beside it", field="path"
                    )
                references = len(aln.get_index_statistics())
                # unmapped counts placed-unmapped reads and those without coordinates
                mapped, unmapped = aln.mapped, aln.unmapped
        except (OSError, ValueError) as exc:
            raise InvalidDataset(f"{path.name}: htslib cannot read it ({exc})", field="path") from None
        return ReadStats(
            path=str(path),
            kind=kind,
            reads=mapped + unmapped,
            mapped=mapped,
            unmapped=unmapped,
            references=references,
        )
