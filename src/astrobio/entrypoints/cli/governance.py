"""CLI of data governance: ``quality``, ``datasets``, ``keys``, ``crypto`` and ``audit``.

With ``ASTROBIO_AUTH=on`` the CLI acts as the holder of ``ASTROBIO_API_KEY``; administrator
commands (keys, master-key rotation, quality overrides) need an admin key, except creating the
very first admin key of a deployment. With auth off it acts as the local administrator.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, table

quality_app = typer.Typer(help="Data quality reports and gates.", no_args_is_help=True)
datasets_app = typer.Typer(
    help="Dataset versions: list, show, diff, tag, rollback, lineage.", no_args_is_help=True
)
keys_app = typer.Typer(help="API keys (administrators).", no_args_is_help=True)
crypto_app = typer.Typer(help="Encryption at rest (administrators).", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
EXIT_DENIED = 5


def _gov() -> Any:
    return context.container().governance


def _principal(admin: bool = False) -> Any:
    from astrobio.domain.access import LOCAL_ADMIN, AccessDenied

    if not context.settings().auth:
        return LOCAL_ADMIN
    token = os.environ.get("ASTROBIO_API_KEY", "")
    if not token:
        fail("ASTROBIO_AUTH is on: set ASTROBIO_API_KEY to an API key", EXIT_DENIED)
    from astrobio.domain.access import Unauthenticated

    try:  # the HTTP API's resolver: one rule for who is acting
        principal = _gov().resolve_principal().execute(token)
    except Unauthenticated as exc:
        fail(exc.message, EXIT_DENIED)
    if admin:
        try:
            principal.require_admin()
        except AccessDenied as exc:
            fail(exc.message, EXIT_DENIED)
    return principal


def _version_rows(versions: Any, tags: dict[str, str]) -> list[list[str]]:
    return [
        [
            v.id[:19],
            v.created_at.isoformat(timespec="seconds"),
            v.quality.grade,
            f"{v.quality.overall:.1%}",
            "yes" if v.published else "held",
            ",".join(t for t, i in sorted(tags.items()) if i == v.id),
            v.lineage.produced_by,
        ]
        for v in versions
    ]


# ---------------------------------------------------------------------- quality
@quality_app.command("report")
def quality_report(
    dataset: str, version: Annotated[str | None, typer.Option(help="tag or id")] = None, json: JsonOpt = False
) -> None:
    """Show the quality report of DATASET (default: its main version)."""
    with cli_errors():
        from astrobio.entrypoints.governance_schemas import QualityReportRead

        v = _gov().get_version().execute(_principal(), dataset, version)
        out = QualityReportRead.from_domain(v.quality, v.id)
        if json:
            emit_json(out)
            return
        rows = [[k, "—" if x is None else f"{x:.4f}"] for k, x in out.metrics.items()]
        table(
            f"{dataset} {v.id[:19]}: grade {out.grade}, overall {out.overall:.1%}, "
            f"{'production ready' if out.production_ready else 'NOT production ready'}",
            ["metric", "value"],
            rows,
        )
        table(
            "issues",
            ["severity", "code", "field", "count", "message"],
            [[i.severity, i.code, i.field or "", str(i.count), i.message] for i in out.issues],
        )


@quality_app.command("override")
def quality_override(
    dataset: str,
    version: str,
    reason: Annotated[str, typer.Option(help="why this data may be published anyway")],
    json: JsonOpt = False,
) -> None:
    """Publish a version its quality gate held back (administrators; the reason is recorded)."""
    with cli_errors():
        v = _gov().override_gate().execute(_principal(admin=True), dataset, version, reason)
        emit_json({"dataset": dataset, "version": v.id, "published": v.published}) if json else print(
            f"{dataset} {v.id[:19]} published (override: {reason})"
        )


# --------------------------------------------------------------------- datasets
@datasets_app.command("list")
def datasets_list(
    q: Annotated[str | None, typer.Option(help="free-text search")] = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int = 50,
    json: JsonOpt = False,
) -> None:
    """Datasets you may read, with their metadata."""
    with cli_errors():
        from astrobio.entrypoints.governance_schemas import DatasetPageRead

        out = DatasetPageRead.from_domain(
            _gov().list_datasets().execute(_principal(), q, kind, offset, limit)
        )
        if json:
            emit_json(out)
            return
        table(
            f"{out.total} dataset(s)",
            ["id", "kind", "level", "title"],
            [[d.id, d.kind, d.security_level, d.metadata.title] for d in out.items],
        )


@datasets_app.command("show")
def datasets_show(dataset: str, json: JsonOpt = False) -> None:
    """A dataset's metadata, tags and versions."""
    with cli_errors():
        from astrobio.entrypoints.governance_schemas import DatasetRead, VersionRead

        view = _gov().get_dataset().execute(_principal(), dataset)
        if json:
            emit_json(
                {
                    "dataset": DatasetRead.from_domain(view.dataset, view),
                    "versions": [VersionRead.from_domain(v, view.tags) for v in view.versions],
                }
            )
            return
        d = view.dataset
        print(f"{d.id} ({d.kind}, {d.security_level.name}): {d.metadata.title}")
        table(
            "versions",
            ["version", "created", "grade", "overall", "published", "tags", "produced by"],
            _version_rows(view.versions, view.tags),
        )


@datasets_app.command("diff")
def datasets_diff(
    dataset: str, old: str, new: Annotated[str, typer.Argument()] = "main", json: JsonOpt = False
) -> None:
    """What changed between two versions (tags, ids or id prefixes)."""
    with cli_errors():
        from astrobio.entrypoints.governance_schemas import DiffRead

        out = DiffRead.from_domain(_gov().diff_versions().execute(_principal(), dataset, old, new))
        if json:
            emit_json(out)
            return
        print(f"{out.old[:19]} -> {out.new[:19]}")
        for label, items in (
            ("entries added", out.entries_added),
            ("entries removed", out.entries_removed),
            ("entries changed", out.entries_changed),
            ("rows added", out.rows_added),
            ("rows removed", out.rows_removed),
            ("rows changed", out.rows_changed),
        ):
            if items:
                print(f"  {label} ({len(items)}): {', '.join(items[:10])}{' …' if len(items) > 10 else ''}")
        for name, stats in out.stats_changed.items():
            print(f"  {name}: " + ", ".join(f"{k} {a} -> {b}" for k, (a, b) in stats.items()))


@datasets_app.command("tag")
def datasets_tag(dataset: str, version: str, tag: str, reason: str = "", json: JsonOpt = False) -> None:
    """Point TAG (e.g. main, candidate, paper-2026) at VERSION."""
    with cli_errors():
        m = _gov().tag_version().execute(_principal(), dataset, version, tag, reason)
        emit_json({"tag": m.tag, "version": m.version_id}) if json else print(f"{tag} -> {m.version_id[:19]}")


@datasets_app.command("rollback")
def datasets_rollback(
    dataset: str,
    tag: str = "main",
    to: Annotated[str | None, typer.Option()] = None,
    reason: str = "rollback",
    json: JsonOpt = False,
) -> None:
    """Move TAG back to its previous version (or to --to)."""
    with cli_errors():
        m = _gov().rollback_tag().execute(_principal(), dataset, tag, to, reason)
        emit_json({"tag": m.tag, "version": m.version_id}) if json else print(f"{tag} -> {m.version_id[:19]}")


@datasets_app.command("lineage")
def datasets_lineage(
    dataset: str, version: Annotated[str | None, typer.Option()] = None, json: JsonOpt = True
) -> None:
    """Lineage as W3C PROV-JSON (always JSON)."""
    with cli_errors():
        emit_json(_gov().export_lineage().execute(_principal(), dataset, version))


# ------------------------------------------------------------------------- keys
@keys_app.command("create")
def keys_create(
    name: str,
    role: Annotated[str, typer.Option(help="viewer | analyst | curator | admin")] = "viewer",
    json: JsonOpt = False,
) -> None:
    """Create an API key; its token is printed once and never stored."""
    with cli_errors():
        from astrobio.entrypoints.governance_schemas import ApiKeyRead

        first_admin = role == "admin" and not any(
            k.active and k.role.value == "admin" for k in _gov().list_api_keys().execute()
        )
        actor = "bootstrap" if first_admin else _principal(admin=True).name
        created = _gov().create_api_key().execute(name, role, actor)
        out = ApiKeyRead.from_domain(created.key, created.token)
        if json:
            emit_json(out)
            return
        print(
            f"key {out.id} ({out.role}) for {out.name}: {out.token}\n(store it now: it cannot be shown again)"
        )


@keys_app.command("revoke")
def keys_revoke(key_id: str, json: JsonOpt = False) -> None:
    """Revoke an API key by id."""
    with cli_errors():
        _gov().revoke_api_key().execute(key_id, _principal(admin=True).name)
        emit_json({"revoked": key_id}) if json else print(f"key {key_id} revoked")


@keys_app.command("list")
def keys_list(json: JsonOpt = False) -> None:
    """API keys (ids, names, roles; never secrets)."""
    with cli_errors():
        from astrobio.entrypoints.governance_schemas import ApiKeyRead

        _principal(admin=True)
        out = [ApiKeyRead.from_domain(k) for k in _gov().list_api_keys().execute()]
        if json:
            emit_json(out)
            return
        table(
            "API keys",
            ["id", "name", "role", "created", "revoked"],
            [
                [
                    k.id,
                    k.name,
                    k.role,
                    k.created_at.isoformat(timespec="seconds"),
                    k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "",
                ]
                for k in out
            ],
        )


# ----------------------------------------------------------------------- crypto
@crypto_app.command("rotate-master")
def crypto_rotate(json: JsonOpt = False) -> None:
    """Generate a new master key and re-wrap every data key (data files are not re-encrypted)."""
    with cli_errors():
        from astrobio.bootstrap.governance_container import rotate_master_key

        principal = _principal(admin=True)
        s = context.settings()
        if s.master_key_b64:
            fail(
                "the master key comes from ASTROBIO_MASTER_KEY: rotate with a key file "
                "(ASTROBIO_MASTER_KEY_FILE), or re-wrap with the library API and update the variable",
                2,
            )
        old, new, count = rotate_master_key(s)
        _gov().record_audit().execute(
            principal.name, "crypto.rotate_master", f"{old}->{new}", "", f"{count} keys"
        )
        emit_json({"old_kid": old, "new_kid": new, "rewrapped": count}) if json else print(
            f"master key {old} -> {new}: {count} data key(s) re-wrapped"
        )


# ------------------------------------------------------------------------ audit
@audit_app.command("verify")
def audit_verify(json: JsonOpt = False) -> None:
    """Recompute the hash chain; exit 6 if any entry was edited, deleted or truncated."""
    with cli_errors():
        from astrobio.entrypoints.governance_schemas import AuditVerificationRead

        out = AuditVerificationRead.from_domain(_gov().verify_audit().execute())
        if json:
            emit_json(out)
        else:
            print(f"audit log OK: {out.checked} entries" if out.ok else f"audit log TAMPERED: {out.reason}")
        if not out.ok:
            raise SystemExit(6)


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""
    root.add_typer(quality_app, name="quality")
    root.add_typer(datasets_app, name="datasets")
    root.add_typer(keys_app, name="keys")
    root.add_typer(crypto_app, name="crypto")
    root.add_typer(audit_app, name="audit")
