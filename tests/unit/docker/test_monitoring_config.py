"""docker/monitoring: Grafana dashboards, Prometheus config and alert rules, the compose profile.

Dashboards are validated against docker/monitoring/grafana/dashboard.schema.json, a documented
structural subset of Grafana's dashboard JSON model (no Grafana container runs here). The
Prometheus config and rules are checked by ``promtool`` where it is installed (Debian package
``prometheus``) and always structurally (YAML shape, every expression's metric names).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from astrobio.adapters.monitoring.metrics import SERIES

DOCKER = Path(__file__).parents[3] / "docker"
MON = DOCKER / "monitoring"
DASHBOARDS = sorted((MON / "grafana" / "dashboards").glob("*.json"))
_METRIC = re.compile(r"\bastrobio_[a-z_]+")
_SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def _family(name: str) -> str:
    for s in _SUFFIXES:
        if name.endswith(s) and name[: -len(s)] in SERIES:
            return name[: -len(s)]
    return name


def _exprs_use_only_exposed_series(exprs: list[str]) -> None:
    for e in exprs:
        names = _METRIC.findall(e)
        assert names, f"expression names no astrobio series: {e}"
        unknown = {n for n in names if _family(n) not in SERIES}
        assert not unknown, f"{e} uses series the API does not expose: {unknown}"


def test_the_four_dashboards_exist() -> None:
    assert {p.stem for p in DASHBOARDS} == {"http", "jobs", "data-quality", "training"}


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_dashboard_matches_the_schema_and_queries_exposed_series(path: Path) -> None:
    schema = json.loads((MON / "grafana" / "dashboard.schema.json").read_text())
    dashboard = json.loads(path.read_text())
    errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(dashboard)]
    assert errors == []
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for p in dashboard["panels"]:  # panels must not overlap on the 24-column grid
        assert p["gridPos"]["x"] + p["gridPos"]["w"] <= 24
    _exprs_use_only_exposed_series([t["expr"] for p in dashboard["panels"] for t in p["targets"]])


def test_schema_rejects_a_broken_dashboard() -> None:
    schema = json.loads((MON / "grafana" / "dashboard.schema.json").read_text())
    broken = json.loads(DASHBOARDS[0].read_text())
    del broken["panels"][0]["gridPos"]
    assert not jsonschema_rs.validator_for(schema).is_valid(broken)


def test_alert_rules_cover_failures_held_ingestions_and_audit() -> None:
    rules = yaml.safe_load((MON / "prometheus" / "alerts.yml").read_text())
    (group,) = rules["groups"]
    alerts = {r["alert"]: r for r in group["rules"]}
    wanted = {"AstrobioJobFailureRateHigh", "AstrobioIngestionsHeld", "AstrobioAuditAppendFailures"}
    assert wanted <= set(alerts)
    for r in alerts.values():
        assert set(r) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}
        assert r["labels"]["severity"] in {"warning", "critical"} and r["annotations"]["summary"]
    _exprs_use_only_exposed_series([r["expr"] for r in alerts.values()])


def test_prometheus_config_scrapes_the_api_and_loads_the_rules() -> None:
    config = yaml.safe_load((MON / "prometheus" / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics" and job["static_configs"][0]["targets"] == ["api:8000"]
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian: prometheus) not installed")
def test_promtool_accepts_the_config_and_rules(tmp_path: Path) -> None:
    rules = MON / "prometheus" / "alerts.yml"
    r = subprocess.run(["promtool", "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    config = (MON / "prometheus" / "prometheus.yml").read_text()
    config = config.replace("/etc/prometheus/alerts.yml", str(rules))
    (tmp_path / "prometheus.yml").write_text(config)
    r = subprocess.run(["promtool", "check", "config", str(tmp_path / "prometheus.yml")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_compose_profile_mounts_existing_files() -> None:
    compose = yaml.safe_load((DOCKER / "docker-compose.monitoring.yml").read_text())
    services = compose["services"]
    assert set(services) == {"prometheus", "grafana"}
    for svc in services.values():
        assert svc["profiles"] == ["monitoring"]
        for volume in svc.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (DOCKER / source).exists(), source
    provider_file = MON / "grafana" / "provisioning" / "dashboards" / "astrobio.yml"
    provisioning = yaml.safe_load(provider_file.read_text())
    assert provisioning["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
