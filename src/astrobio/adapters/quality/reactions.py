"""Quality of a reaction network (KEGG pathway reactions or an SBML model), from plain mappings.

Input: ``{"reactions": [{"id", "stoichiometry": {metabolite: coefficient}, "lower_bound",
"upper_bound"}], "formulas": {metabolite: "C6H12O6"}, "charges": {metabolite: int},
"exchange_prefixes": ["EX_"]}``; substrates have negative coefficients.

* validity: reactions whose metabolites are all resolvable (declared in ``formulas`` or charges);
* consistency: element (mass) and charge balance of each internal reaction whose metabolites all
  have formulas (exchange, demand and sink reactions are exempt: they cross the boundary);
* completeness: share of metabolites with a formula;
* blocked reactions: both bounds zero, or touching a dead-end metabolite (only produced or only
  consumed by the network: a structural check, no flux solver needed).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from astrobio.application.ports.governance import QualityValidator
from astrobio.domain.quality import QualityIssue, QualityMetrics, QualityReport, Severity

_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")
BOUNDARY_PREFIXES = ("EX_", "DM_", "SK_", "sink_")


def parse_formula(formula: str) -> Counter[str] | None:
    """``"C6H12O6"`` -> {C: 6, H: 12, O: 6}; None for formulas with R groups or unparsable text."""
    f = formula.strip()
    if not f or not re.fullmatch(r"([A-Z][a-z]?\d*)+", f):
        return None
    out: Counter[str] = Counter()
    for element, n in _ELEMENT.findall(f):
        if element == "R":
            return None
        out[element] += int(n) if n else 1
    return out


def imbalance(stoich: dict[str, float], formulas: dict[str, Counter[str]]) -> dict[str, float]:
    """Element -> net atoms (products minus substrates); empty when balanced."""
    net: dict[str, float] = {}
    for met, coeff in stoich.items():
        for element, n in formulas[met].items():
            net[element] = net.get(element, 0.0) + coeff * n
    return {e: v for e, v in net.items() if abs(v) > 1e-9}


class ReactionNetworkValidator(QualityValidator):
    kind = "reaction_network"

    def validate(self, subject: str, data: Any) -> QualityReport:
        reactions: list[dict[str, Any]] = list(data.get("reactions", ()))
        raw_formulas: dict[str, str] = dict(data.get("formulas", {}))
        charges: dict[str, float] = dict(data.get("charges", {}))
        prefixes = tuple(data.get("exchange_prefixes", BOUNDARY_PREFIXES))
        formulas = {m: p for m, f in raw_formulas.items() if (p := parse_formula(f)) is not None}
        known = set(raw_formulas) | set(charges)
        issues: list[QualityIssue] = []
        mets = {m for r in reactions for m in r["stoichiometry"]}
        unresolved = [r["id"] for r in reactions if any(m not in known for m in r["stoichiometry"])]
        checked = unbalanced = uncharged = 0
        for r in reactions:
            st = {m: float(c) for m, c in r["stoichiometry"].items()}
            if str(r["id"]).startswith(prefixes) or not st or not all(m in formulas for m in st):
                continue
            checked += 1
            bad = imbalance(st, formulas)
            if bad:
                unbalanced += 1
                issues.append(
                    QualityIssue(
                        severity=Severity.WARNING,
                        code="mass_imbalance",
                        field=str(r["id"]),
                        message=f"{r['id']} is not mass balanced: {bad}",
                    )
                )
            if all(m in charges for m in st) and abs(sum(c * charges[m] for m, c in st.items())) > 1e-9:
                uncharged += 1
                issues.append(
                    QualityIssue(
                        severity=Severity.WARNING,
                        code="charge_imbalance",
                        field=str(r["id"]),
                        message=f"{r['id']} is not charge balanced",
                    )
                )
        produced = {m for r in reactions for m, c in r["stoichiometry"].items() if c > 0 or _reversible(r)}
        consumed = {m for r in reactions for m, c in r["stoichiometry"].items() if c < 0 or _reversible(r)}
        dead = (produced ^ consumed) & mets
        blocked = [
            r["id"]
            for r in reactions
            if (r.get("lower_bound", -1) == 0 and r.get("upper_bound", 1) == 0)
            or any(m in dead for m in r["stoichiometry"])
        ]
        if unresolved:
            issues.append(
                QualityIssue(
                    severity=Severity.ERROR if len(unresolved) > 0.05 * len(reactions) else Severity.WARNING,
                    code="unresolved",
                    count=len(unresolved),
                    message=f"{len(unresolved)} reactions use undeclared metabolites",
                )
            )
        if blocked:
            issues.append(
                QualityIssue(
                    severity=Severity.INFO,
                    code="blocked",
                    count=len(blocked),
                    message=f"{len(blocked)} reactions blocked (zero bounds or dead ends)",
                )
            )
        if not reactions:
            issues.append(QualityIssue(severity=Severity.ERROR, code="empty", message="no reactions"))
        ids = [str(r["id"]) for r in reactions]
        n = max(len(reactions), 1)
        metrics = QualityMetrics(
            completeness=len([m for m in mets if m in formulas]) / max(len(mets), 1),
            validity=1.0 - len(unresolved) / n,
            consistency=1.0 - (unbalanced + uncharged) / max(2 * checked, 1) if checked else 1.0,
            uniqueness=len(set(ids)) / n,
            timeliness=1.0,
            outlier_fraction=0.0,
        )
        return QualityReport(
            kind=self.kind,
            subject=subject,
            metrics=metrics,
            issues=tuple(issues),
            rows=len(reactions),
            created_at=datetime.now(UTC),
            validator=type(self).__name__,
            details={"balance_checked": float(checked), "blocked": float(len(blocked))},
        )


def _reversible(r: dict[str, Any]) -> bool:
    return float(r.get("lower_bound", 0.0)) < 0.0
