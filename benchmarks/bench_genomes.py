"""Genome parsing benchmarks: FASTA statistics throughput, GenBank and GFF3 parse rates, and the
assembly-summary filter on a million rows.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_genomes.py [--fasta-mb 200] [--json]``.
Everything is generated in a temporary directory (removed afterwards, nothing committed):

- FASTA: a synthetic multi-contig assembly (random ACGT with N runs, 80-column lines, contigs of
  50 kb-5 Mb) of ``--fasta-mb`` MB, read plain and gzip-compressed, through the same code as
  ``astrobio ingest genome`` (``SimpleFastaParser`` + IUPAC check + GC/N counts + N50). MB/s is of
  *uncompressed sequence file* bytes per wall second; the issue's target, 100 GB/hour, is 27.8 MB/s.
- GenBank: the bundled A. thaliana chloroplast record (NC_000932, 306 kB, 129 genes) repeated
  ``--genbank-copies`` times in one file, through ``SeqIO.parse``.
- GFF3: the bundled E. coli K-12 RefSeq annotation (2.5 MB, 9.6k features) repeated ``--gff-copies``
  times (IDs made unique per copy), with the parent-link check.
- Assembly summary: the bundled S. aureus 22-column summary (10,682 rows) replicated to ``--rows``
  rows, filtered by species taxid 1280 + "Complete Genome" + latest.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from astrobio.adapters.genomes.assembly_summary import TsvAssemblySummaryReader  # noqa: E402
from astrobio.adapters.genomes.sequence_files import fasta_summary, genbank_summary, gff3_summary  # noqa: E402
from astrobio.domain.genome import AssemblyFilter, genome_stats  # noqa: E402

NCBI = ROOT / "data" / "ncbi"


def write_fasta(path: Path, megabytes: int, seed: int = 0) -> int:
    rng = np.random.default_rng(seed)
    alphabet = np.frombuffer(b"ACGT", dtype=np.uint8)
    written = 0
    with open(path, "wb") as out:
        i = 0
        while written < megabytes * 1_000_000:
            n = int(rng.integers(50_000, 5_000_000))
            seq = alphabet[rng.integers(0, 4, n)]
            seq[rng.integers(0, n - 200, 3)[:, None] + np.arange(100)] = ord("N")  # gaps
            out.write(f">contig_{i} synthetic\n".encode())
            b = seq.tobytes()
            out.write(b"\n".join(b[j : j + 80] for j in range(0, n, 80)) + b"\n")
            written = out.tell()
            i += 1
    return written


def timed(fn, *args, **kw):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fasta-mb", type=int, default=200)
    ap.add_argument("--genbank-copies", type=int, default=40)
    ap.add_argument("--gff-copies", type=int, default=8)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_genomes_"))
    figures: dict[str, float] = {}
    try:
        fa = tmp / "assembly.fna"
        size = write_fasta(fa, args.fasta_mb)
        s, dt = timed(fasta_summary, fa)
        genome_stats(s.lengths, s.gc_bases, s.n_bases)
        figures["fasta_plain_mb_s"] = size / 1e6 / dt
        figures["fasta_contigs"] = len(s.lengths)
        with open(fa, "rb") as src, gzip.open(tmp / "assembly.fna.gz", "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst)
        s, dt = timed(fasta_summary, tmp / "assembly.fna.gz")
        figures["fasta_gzip_mb_s"] = size / 1e6 / dt
        fa.unlink()

        gb_text = (NCBI / "genbank" / "NC_000932.gb").read_text()
        gb = tmp / "many.gb"
        gb.write_text(gb_text * args.genbank_copies)
        a, dt = timed(genbank_summary, gb)
        figures["genbank_mb_s"] = gb.stat().st_size / 1e6 / dt
        figures["genbank_records_s"] = args.genbank_copies / dt
        figures["genbank_features_s"] = sum(a.features.values()) / dt

        with gzip.open(NCBI / "gff" / "GCF_000005845.2_ASM584v2_genomic.gff.gz", "rt") as fh:
            gff_text = fh.read()
        body = "".join(line + "\n" for line in gff_text.splitlines() if not line.startswith("#"))
        gff = tmp / "many.gff3"
        with open(gff, "w") as out:
            out.write("##gff-version 3\n")
            for k in range(args.gff_copies):
                out.write(body.replace("ID=", f"ID=c{k}_").replace("Parent=", f"Parent=c{k}_"))
        (a, _), dt = timed(gff3_summary, gff)
        figures["gff3_mb_s"] = gff.stat().st_size / 1e6 / dt
        figures["gff3_features_s"] = sum(a.features.values()) / dt

        with gzip.open(
            NCBI / "assembly_reports" / "assembly_summary_genbank_Staphylococcus_aureus_2019.txt.gz", "rt"
        ) as fh:
            lines = fh.readlines()
        header = [ln for ln in lines if ln.startswith("#")]
        rows = [ln for ln in lines if not ln.startswith("#")]
        big = tmp / "assembly_summary.txt"
        with open(big, "w") as out:
            out.writelines(header)
            for k in range(args.rows):
                out.write(rows[k % len(rows)])
        flt = AssemblyFilter(taxids=frozenset({1280}), assembly_levels=frozenset({"Complete Genome"}))
        kept, dt = timed(lambda: sum(1 for _ in TsvAssemblySummaryReader().read(big, flt)))
        figures["summary_rows"] = args.rows
        figures["summary_kept"] = kept
        figures["summary_filter_s"] = dt
        _, dt = timed(
            lambda: sum(1 for _ in TsvAssemblySummaryReader().read(big, AssemblyFilter(latest_only=False)))
        )
        figures["summary_all_records_s"] = dt
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"cpu: {os.cpu_count()} cores visible, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    print(
        f"FASTA {args.fasta_mb} MB ({figures['fasta_contigs']:.0f} contigs): "
        f"plain {figures['fasta_plain_mb_s']:.0f} MB/s, gzip {figures['fasta_gzip_mb_s']:.0f} MB/s "
        "(target 27.8 MB/s = 100 GB/h)"
    )
    print(
        f"GenBank: {figures['genbank_mb_s']:.1f} MB/s, {figures['genbank_records_s']:.0f} records/s, "
        f"{figures['genbank_features_s']:.0f} features/s"
    )
    print(f"GFF3: {figures['gff3_mb_s']:.1f} MB/s, {figures['gff3_features_s']:.0f} features/s")
    print(
        f"assembly summary {args.rows:,} rows: filter (taxid + level) {figures['summary_filter_s']:.2f} s "
        f"({figures['summary_kept']:.0f} kept); "
        f"every row as a record {figures['summary_all_records_s']:.2f} s"
    )


if __name__ == "__main__":
    main()
