"""Plans written once per test session (the mocks cost ~10 ms a resource) and the secrets they must not leak."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]

# Recognizable secret values: no file of the plan may contain any of them.
SECRETS = {
    "yunwang:snmpCredentials": json.dumps({
        "v3-core": {"auth_key": "SECRET-auth-core-7f1c9a", "priv_key": "SECRET-priv-core-3b2e8d"},
        "v3-edge": {"auth_key": "SECRET-auth-edge-51aa0c", "priv_key": "SECRET-priv-edge-c0ffee"},
        "v3-iot": {"auth_key": "SECRET-auth-iot-9d9d9d", "priv_key": "SECRET-priv-iot-e7e7e7"},
    }),
    "yunwang:monitorViewerToken": "SECRET-viewer-token-4242",
    "yunwang:monitorAgentToken": "SECRET-agent-token-4343",
    "yunwang:monitorAdminToken": "SECRET-admin-token-4444",
    "yunwang:monitorAlertmanagerToken": "SECRET-alertmanager-token-4545",
    "yunwang:alertSecrets": json.dumps({
        region: {"wecom_key": f"SECRET-wecom-{region}-8181", "dingtalk_token": f"SECRET-dingtalk-{region}-8282",
                 "dingtalk_secret": f"SECRET-dingsign-{region}-8383"}
        for region in ("luan", "jinan", "yuan", "yeji", "huoqiu", "shucheng", "jinzhai", "huoshan")}),
    "yunwang:grafanaAdminPassword": "SECRET-grafana-admin-77",
    "yunwang:databases": json.dumps({
        region: {name: f"postgresql://{name}:SECRET-db-pass-5150@db.{region}.example:5432/{name}?sslmode=verify-full"
                 for name in ("monitor", "grafana", "data-platform")}
        for region in ("luan", "jinan", "yuan", "yeji", "huoqiu", "shucheng", "jinzhai", "huoshan")}),
    "yunwang:backupRepository": "rest:https://backup:SECRET-restic-rest-6161@backup.example:8000/yunwang",
    "yunwang:backupPassword": "SECRET-restic-key-6262",
    "yunwang:deviceSystemPassword": "SECRET-device-system-8080",
    "yunwang:kubeconfig-luan": "apiVersion: v1\nkind: Config\nusers: [{name: x, user: {token: SECRET-kube-token-99}}]",
}
SECRET_VALUES = ("SECRET-auth-core-7f1c9a", "SECRET-priv-core-3b2e8d", "SECRET-auth-edge-51aa0c",
                 "SECRET-priv-edge-c0ffee", "SECRET-viewer-token-4242", "SECRET-agent-token-4343",
                 "SECRET-admin-token-4444", "SECRET-kube-token-99", "SECRET-grafana-admin-77", "SECRET-db-pass-5150",
                 "SECRET-restic-rest-6161", "SECRET-restic-key-6262", "SECRET-device-system-8080",
                 "SECRET-alertmanager-token-4545", "-8181", "-8282", "-8383")


class Plan:
    """A written plan: its folder, resources.json and every manifest."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.doc: dict[str, Any] = json.loads((out / "resources.json").read_text(encoding="utf-8"))
        self.manifests: list[dict[str, Any]] = [
            yaml.load((out / r["manifest"]).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            for r in self.doc["resources"] if r["manifest"]]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.manifests if m["kind"] == kind]


def write(stack: str, out: Path) -> Plan:
    from infra.plan import run_program, write_plan

    write_plan(run_program(stack, root=ROOT, secrets=SECRETS), out)
    return Plan(out)
