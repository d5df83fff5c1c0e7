"""KGML (KEGG Markup Language) -> :class:`~astrobio.domain.pathway.Pathway`, with Biopython's parser.

The XML is read with ElementTree first, so a malformed or truncated document is reported with
its line and column. Before Biopython's ``KGMLParser`` reads the tree, KGML 0.6 documents
(``<reaction>`` / ``<substrate name=...>`` without an ``id``) get their entry ids filled in from
the enzyme and compound entries, and relations naming entries the map lacks are dropped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from astrobio.domain.errors import InvalidDataset
from astrobio.domain.pathway import Pathway, PathwayReaction, PathwayRelation

_PREFIXES = ("cpd:", "gl:", "dr:", "rn:", "ko:", "path:", "ec:")


def strip_prefix(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _ids(name: str) -> list[str]:
    return [strip_prefix(t) for t in name.split()]


def _repair(root: ET.Element, where: str) -> None:
    by_name: dict[str, str] = {}
    numeric = [int(e.get("id", "0")) for e in root.iter("entry") if e.get("id", "").isdigit()]
    next_id = max(numeric, default=0) + 1
    for entry in root.iter("entry"):
        if entry.get("type") == "compound" and entry.get("name") and entry.get("id"):
            by_name.setdefault(entry.get("name", ""), entry.get("id", ""))
    ids = {e.get("id") for e in root.iter("entry")}
    for relation in list(root.iter("relation")):  # some published maps relate entries they lack
        if relation.get("entry1") not in ids or relation.get("entry2") not in ids:
            root.remove(relation)
    catalysts: dict[str, str] = {}
    for entry in root.iter("entry"):
        for rn in entry.get("reaction", "").split():
            catalysts.setdefault(rn, entry.get("id", ""))
    for reaction in root.iter("reaction"):
        if reaction.get("id") is None:  # KGML 0.6: reactions are tied to their enzyme by name
            first = (reaction.get("name") or "").split()[:1]
            if first and first[0] in catalysts:
                reaction.set("id", catalysts[first[0]])
            else:
                reaction.set("id", str(next_id))
                root.insert(
                    0, ET.Element("entry", {"id": str(next_id), "name": "undefined", "type": "other"})
                )
                next_id += 1
        for part in reaction:
            if part.tag in {"substrate", "product"} and part.get("id") is None:
                name = part.get("name")
                if not name:
                    raise InvalidDataset(
                        f"{where}: reaction {reaction.get('name')!r} has a {part.tag} "
                        "with neither id nor name",
                        field="kgml",
                    )
                if name not in by_name:  # an undrawn compound: add an entry (before the reactions)
                    by_name[name] = str(next_id)
                    root.insert(
                        0, ET.Element("entry", {"id": str(next_id), "name": name, "type": "compound"})
                    )
                    next_id += 1
                part.set("id", by_name[name])


def parse_kgml(data: bytes, *, source: str = "kgml") -> Pathway:
    """Parse one KGML document; :class:`InvalidDataset` names what is wrong (and where)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InvalidDataset(f"{source}: malformed or truncated KGML ({exc})", field="kgml") from None
    if root.tag != "pathway":
        raise InvalidDataset(
            f"{source}: not KGML (root element <{root.tag}>, expected <pathway>)", field="kgml"
        )
    if not root.get("name"):
        raise InvalidDataset(f"{source}: <pathway> has no name attribute", field="kgml")
    _repair(root, source)
    from Bio.KEGG.KGML.KGML_parser import KGMLParser

    try:
        kgml = KGMLParser(root).parse()  # type: ignore[no-untyped-call]
        return _to_domain(kgml, source)
    except (KeyError, ValueError, AttributeError, TypeError) as exc:
        if isinstance(exc, InvalidDataset):
            raise
        raise InvalidDataset(
            f"{source}: inconsistent KGML ({type(exc).__name__}: {exc})", field="kgml"
        ) from None


def _to_domain(kgml: Any, source: str) -> Pathway:
    entries = kgml.entries
    compounds: dict[str, None] = {}
    layout: dict[str, tuple[float, float]] = {}
    orthologs: dict[str, None] = {}
    for entry in entries.values():
        if entry.type == "compound":
            for cid in _ids(entry.name):
                compounds.setdefault(cid)
                if entry.graphics and cid not in layout:
                    g = entry.graphics[0]
                    layout[cid] = (float(g.x or 0.0), float(g.y or 0.0))
        elif entry.type in {"ortholog", "gene", "enzyme"}:
            for oid in _ids(entry.name):
                orthologs.setdefault(oid)
    merged: dict[str, dict[str, Any]] = {}
    for r in kgml.reactions:
        rid = " ".join(_ids(r.name))
        slot = merged.setdefault(rid, {"rev": False, "s": {}, "p": {}, "o": {}})
        slot["rev"] = slot["rev"] or r.type == "reversible"
        for key, ends in (("s", r._substrates), ("p", r._products)):
            for entry_id in ends:
                if entry_id not in entries:
                    raise InvalidDataset(
                        f"{source}: reaction {rid} refers to missing entry {entry_id}", field="kgml"
                    )
                for cid in _ids(entries[entry_id].name):
                    slot[key].setdefault(cid)
                    compounds.setdefault(cid)
        catalyst = entries.get(r.id)
        for oid in _ids(catalyst.name) if catalyst is not None else []:
            slot["o"].setdefault(oid)
    reactions = tuple(
        PathwayReaction(
            id=rid,
            reversible=v["rev"],
            substrates=tuple(v["s"]),
            products=tuple(v["p"]),
            orthologs=tuple(v["o"]),
        )
        for rid, v in merged.items()
    )
    relations = list(  # Biopython keeps relations in a set: sort for a stable order
        PathwayRelation(
            source=_entry_name(rel.entry1),
            target=_entry_name(rel.entry2),
            kind=str(rel.type),
            subtypes=tuple(f"{name}:{_subtype_value(entries, value)}" for name, value in rel.subtypes),
        )
        for rel in kgml.relations
    )
    relations.sort(key=lambda r: (r.source, r.target, r.kind, r.subtypes))
    return Pathway(
        id=strip_prefix(kgml.name),
        title=str(kgml.title or kgml.name),
        organism=str(kgml.org or ""),
        compounds=tuple(compounds),
        reactions=reactions,
        orthologs=tuple(orthologs),
        relations=tuple(relations),
        layout_px=layout,
        source=source,
    )


def _entry_name(entry: Any) -> str:
    # Biopython resolves a relation's ends to the pathway's Entry objects
    return " ".join(_ids(entry.name)) if hasattr(entry, "name") else str(entry)


def _subtype_value(entries: dict[int, Any], value: Any) -> str:
    if isinstance(value, int) and value in entries:
        return " ".join(_ids(entries[value].name))
    return str(value)
