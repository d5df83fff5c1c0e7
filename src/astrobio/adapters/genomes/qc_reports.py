"""QC report readers: NCBI FCS-GX and FCS-adaptor, NCBI ANI taxonomy check, CheckM, BUSCO.

Statuses: FCS flags with action EXCLUDE/TRIM/FIX fail (the sequence must change before
submission), REVIEW-only warns. ANI: NCBI's ``taxonomy-check-status`` OK / Inconclusive / Failed.
CheckM and BUSCO completeness follow MIMAG (Bowers et al. 2017): high quality is > 90 % complete
with < 5 % contamination (pass), medium >= 50 % with < 10 % (warn), anything else fails.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from astrobio.adapters.genomes.sequence_files import open_text
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.genome import QcReport

_BUSCO = re.compile(r"C:([\d.]+)%\[S:([\d.]+)%,D:([\d.]+)%\],F:([\d.]+)%,M:([\d.]+)%,n:(\d+)")


def qc_kind(path: Path) -> str | None:
    """The report kind a file name announces, or ``None``."""
    name = path.name.lower()
    if "fcs_gx_report" in name or name.endswith("_fcs_report.txt"):
        return "fcs_gx"
    if "adaptor" in name and (name.endswith(".txt") or name.endswith(".rpt")):
        return "fcs_adaptor"
    if "ani_report" in name:
        return "ani"
    if "checkm" in name:
        return "checkm"
    if "busco" in name or name.startswith("short_summary"):
        return "busco"
    return None


def _mimag(completeness: float, contamination: float | None) -> str:
    cont = contamination or 0.0
    if completeness > 0.90 and cont < 0.05:
        return "pass"
    if completeness >= 0.50 and cont < 0.10:
        return "warn"
    return "fail"


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    header: list[str] = []
    rows: list[list[str]] = []
    with open_text(path) as fh:
        for line in fh:
            if line.startswith("##") or not line.strip():
                continue
            if line.startswith("#"):
                header = [c.strip() for c in line.lstrip("#").rstrip("\n").split("\t")]
                if len(header) == 1:
                    header = line.lstrip("#").split()
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) < len(header) - 1 and len(header) > 1:
                cells = line.rstrip("\n").split(None, len(header) - 1)
            rows.append(cells)
    if not header:
        raise InvalidDataset(f"{path.name}: no '#' header line", field="header")
    return header, rows


def read_fcs_gx(path: Path) -> QcReport:
    header, rows = _rows(path)
    col = {c: i for i, c in enumerate(header)}
    if not {"seq_id", "start_pos", "end_pos", "action"} <= col.keys():
        raise InvalidDataset(f"{path.name}: not an FCS-GX report (header {header[:4]})", field="header")
    actions: Counter[str] = Counter()
    flagged_bp = 0
    findings = []
    for r in rows:
        action = r[col["action"]]
        actions[action] += 1
        flagged_bp += int(r[col["end_pos"]]) - int(r[col["start_pos"]]) + 1
        tax = r[col["top_tax_name"]] if "top_tax_name" in col and len(r) > col["top_tax_name"] else ""
        findings.append(
            f"{r[col['seq_id']]}:{r[col['start_pos']]}-{r[col['end_pos']]} {action} {tax}".strip()
        )
    status = "fail" if actions.keys() & {"EXCLUDE", "TRIM", "FIX"} else "warn" if actions else "pass"
    metrics = {"flagged_sequences": float(len(rows)), "flagged_bp": float(flagged_bp)}
    metrics |= {f"action_{k.lower()}": float(v) for k, v in actions.items()}
    return QcReport(kind="fcs_gx", status=status, metrics=metrics, findings=tuple(findings), source=path.name)


def read_fcs_adaptor(path: Path) -> QcReport:
    header, rows = _rows(path)
    if header[:3] != ["accession", "length", "action"]:
        raise InvalidDataset(f"{path.name}: not an FCS-adaptor report (header {header[:3]})", field="header")
    actions: Counter[str] = Counter(r[2].removeprefix("ACTION_") for r in rows)
    findings = tuple(
        f"{r[0]} {r[2].removeprefix('ACTION_')} {r[3] if len(r) > 3 else ''}".strip() for r in rows
    )
    status = "fail" if actions.keys() & {"EXCLUDE", "TRIM", "FIX"} else "warn" if actions else "pass"
    metrics = {"flagged_sequences": float(len(rows))} | {
        f"action_{k.lower()}": float(v) for k, v in actions.items()
    }
    return QcReport(kind="fcs_adaptor", status=status, metrics=metrics, findings=findings, source=path.name)


def read_ani(path: Path) -> QcReport:
    header, rows = _rows(path)
    col = {c: i for i, c in enumerate(header)}
    if "taxonomy-check-status" not in col or not rows:
        raise InvalidDataset(
            f"{path.name}: not an NCBI ANI report (no taxonomy-check-status)", field="header"
        )
    r = rows[0]
    check = r[col["taxonomy-check-status"]]
    status = {"OK": "pass", "Inconclusive": "warn", "Failed": "fail"}.get(check)
    if status is None:
        raise InvalidDataset(
            f"{path.name}: unknown taxonomy-check-status {check!r}", field="taxonomy-check-status"
        )
    metrics: dict[str, float] = {}
    for name, key in (
        ("best-match-ANI", "best_match_ani"),
        ("best-match-coverage", "best_match_coverage"),
        ("submitted-ANI", "submitted_ani"),
        ("submitted-coverage", "submitted_coverage"),
    ):
        if name in col and re.fullmatch(r"[\d.]+", r[col[name]]):
            metrics[key] = float(r[col[name]]) / 100.0
    findings = tuple(
        f"{k}: {r[col[k]]}"
        for k in ("submitted-species", "best-match-species", "comment")
        if k in col and len(r) > col[k] and r[col[k]] not in ("", "na")
    )
    return QcReport(kind="ani", status=status, metrics=metrics, findings=findings, source=path.name)


def read_checkm(path: Path) -> QcReport:
    with open_text(path) as fh:
        lines = [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("-")]
    if not lines:
        raise InvalidDataset(f"{path.name}: empty CheckM table", field="path")
    col = {c.strip(): i for i, c in enumerate(lines[0])}
    if "Completeness" not in col or len(lines) < 2:
        raise InvalidDataset(f"{path.name}: not a CheckM table (no Completeness column)", field="header")
    r = lines[1]
    completeness = float(r[col["Completeness"]]) / 100.0
    contamination = float(r[col["Contamination"]]) / 100.0 if "Contamination" in col else None
    metrics = {"completeness": completeness} | (
        {} if contamination is None else {"contamination": contamination}
    )
    return QcReport(
        kind="checkm", status=_mimag(completeness, contamination), metrics=metrics, source=path.name
    )


def read_busco(path: Path) -> QcReport:
    with open_text(path) as fh:
        m = _BUSCO.search(fh.read())
    if m is None:
        raise InvalidDataset(
            f"{path.name}: no BUSCO summary line C:..%[S:..%,D:..%],F:..%,M:..%,n:..", field="path"
        )
    c, s, d, f, miss = (float(x) / 100.0 for x in m.groups()[:5])
    metrics = {
        "complete": c,
        "single": s,
        "duplicated": d,
        "fragmented": f,
        "missing": miss,
        "n_markers": float(m.group(6)),
    }
    return QcReport(kind="busco", status=_mimag(c, None), metrics=metrics, source=path.name)


READERS = {
    "fcs_gx": read_fcs_gx,
    "fcs_adaptor": read_fcs_adaptor,
    "ani": read_ani,
    "checkm": read_checkm,
    "busco": read_busco,
}
