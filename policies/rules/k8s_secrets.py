"""Credentials written in clear text into manifests (env literals, ConfigMaps)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, containers

SECRET_NAME = re.compile(r"passw(or)?d|passwd|secret|token|credential|api[_\-.]?key|private[_\-.]?key|"
                         r"access[_\-.]?key|auth[_\-.]?key|priv[_\-.]?key|[_\-.]key$", re.IGNORECASE)
_NOT_SECRET = re.compile(r"(name|ref|file|path|id|url|uri|endpoint|length|ttl|dir|mount|version|seconds|"
                         r"expiry|expires|type|policy)$", re.IGNORECASE)


def secret_like(name: str) -> bool:
    """A name that suggests a credential (and is not merely a file path or reference to one)."""
    return bool(SECRET_NAME.search(name)) and not _NOT_SECRET.search(name)


@rule(id="YW-K8S-030", clauses=("8.1.4.8-b", "8.2.4.4-c"), severity="high", source="k8s",
      title="Secret in an environment variable literal", title_zh="环境变量中明文写入密钥",
      remediation="Move the value into a Secret and reference it with valueFrom.secretKeyRef.",
      remediation_zh="将该值移入 Secret，并以 valueFrom.secretKeyRef 引用。")
def env_literal(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        for c in containers(spec):
            for env in c.get("env") or []:
                if not isinstance(env, dict):
                    continue
                name, value = str(env.get("name", "")), env.get("value")
                if value not in (None, "") and secret_like(name):
                    yield Violation(obj.target(), f"container '{c.get('name', '?')}' sets {name} to a literal "
                                                  "value")


@rule(id="YW-K8S-031", clauses=("8.1.4.8-b",), severity="high", source="k8s",
      title="Secret in a ConfigMap", title_zh="ConfigMap 中明文存放密钥",
      remediation="Store credentials in a Secret (encrypted at rest), not a ConfigMap.",
      remediation_zh="凭据存放到 Secret（静态加密），不要放在 ConfigMap。")
def configmap_secret(facts: K8sFacts) -> Iterator[Violation]:
    for cm in facts.of_kind("ConfigMap"):
        data = cm.obj.get("data")
        if not isinstance(data, dict):
            continue
        keys = sorted(str(k) for k, v in data.items() if v not in (None, "") and secret_like(str(k))
                      and "\n" not in str(v))
        if keys:
            yield Violation(cm.target(), f"credential-like keys with values: {', '.join(keys)}")
