"""Credentials written in clear text into manifests (env literals, ConfigMaps), and secrets handed to containers as
environment variables."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, as_dict, container_name, containers

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
      remediation_zh="将该值移入 Secret，并以 valueFrom.secretKeyRef 引用。",
      peers=("C-0012", "polaris:sensitiveContainerEnvVar"))
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
      remediation_zh="凭据存放到 Secret（静态加密），不要放在 ConfigMap。",
      peers=("C-0012", "polaris:sensitiveConfigmapContent"))
def configmap_secret(facts: K8sFacts) -> Iterator[Violation]:
    for cm in facts.of_kind("ConfigMap"):
        data = cm.obj.get("data")
        if not isinstance(data, dict):
            continue
        keys = sorted(str(k) for k, v in data.items() if v not in (None, "") and secret_like(str(k))
                      and "\n" not in str(v))
        if keys:
            yield Violation(cm.target(), f"credential-like keys with values: {', '.join(keys)}")


@rule(id="YW-K8S-032", clauses=("8.1.4.8-b",), severity="low", source="k8s",
      title="Secret passed as an environment variable", title_zh="以环境变量传递 Secret",
      remediation="Mount the Secret as a read-only volume and point the program at the file (e.g. DB_PASSWORD_FILE): "
                  "environment variables leak into crash dumps, child processes and `kubectl describe` output.",
      remediation_zh="将 Secret 以只读卷挂载，让程序读取文件（如 DB_PASSWORD_FILE）：环境变量会泄露到崩溃转储、"
                     "子进程与 kubectl describe 输出中。",
      peers=("CKV_K8S_35", "cis-k8s:5.4.1"))
def secret_env(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        refs = [str(e.get("name", "?")) for e in c.get("env") or []
                if isinstance(e, dict) and "secretKeyRef" in as_dict(e.get("valueFrom"))]
        refs += [f"envFrom {as_dict(e.get('secretRef')).get('name', '?')}" for e in c.get("envFrom") or []
                 if isinstance(e, dict) and "secretRef" in e]
        if refs:
            yield Violation(obj.target(), f"container '{container_name(c)}' takes Secrets as environment variables: "
                                          f"{', '.join(refs)}")


SECRET_FORMATS = (
    ("PEM private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    ("JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ("AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("Alibaba Cloud AccessKey id", r"\bLTAI[0-9A-Za-z]{12,20}\b"),
    ("Tencent Cloud SecretId", r"\bAKID[0-9A-Za-z]{32}\b"),
    ("GitHub token", r"\bgh[pousr]_[0-9A-Za-z]{36}\b"),
    ("GitLab token", r"\bglpat-[0-9A-Za-z_-]{20}\b"),
    ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ("Slack token", r"\bxox[baprs]-[0-9A-Za-z-]{10,48}\b"),
    ("bearer token", r"\bBearer\s+[A-Za-z0-9._~+/=-]{20,}"),
)
"""Values that are credentials whatever their name says (Kubescape's sensitiveValues, made specific, and the access-key
formats of the Chinese public clouds). Findings name the format, never the value."""
SHORTEST_SECRET = 15
"""No format above matches fewer characters (a Slack token's prefix and ten more)."""
CREDENTIAL_WORD = re.compile(r"passw|secret|token|credential|key", re.IGNORECASE)
"""A cheap first look: a line can only name a credential (secret_like) if the text holds one of these."""
SECRET_VALUE = re.compile("|".join(f"(?P<f{i}>{pattern})" for i, (_, pattern) in enumerate(SECRET_FORMATS)))
ASSIGNMENT = re.compile(r"^[ \t]*[\"']?([A-Za-z0-9_.-]+)[\"']?[ \t]*[:=][ \t]*[\"']?([^\"'#\s][^\"'#\n]*?)[\"']?"
                        r"[ \t]*(?:#.*)?$", re.MULTILINE)
_REFERENCE = re.compile(r"^(?:\$\{.*\}|\$\(.*\)|\{\{.*\}\}|%\(.*\)s|<.*>|\*+|/\S*"
                        r"|true|false|yes|no|on|off|null|none|~|\d+)$", re.IGNORECASE)
"""Values that are no credential: references (${VAR}, $(VAR), templates), placeholders, paths, booleans, numbers."""


def secret_values(text: str) -> list[str]:
    """What in a (possibly multi-line) value is a credential, as words safe to print: the name of a known secret
    format, or the name of a ``name: value`` / ``name=value`` line whose name says credential and whose value is a
    literal (not ``${VAR}``, a template, a placeholder, a path, a boolean or a number)."""
    if len(text) < SHORTEST_SECRET:
        return []
    found = [SECRET_FORMATS[int(str(m.lastgroup)[1:])][0] for m in SECRET_VALUE.finditer(text)]
    if "\n" in text and CREDENTIAL_WORD.search(text):
        found += [name for name, value in ASSIGNMENT.findall(text)
                  if secret_like(name) and not _REFERENCE.match(value.strip())]
    return found


@rule(id="YW-K8S-033", clauses=("8.1.4.8-b", "8.2.4.4-c"), severity="high", source="k8s",
      title="Credential in an environment value or ConfigMap content", title_zh="环境变量值或 ConfigMap 内容含凭据",
      remediation="Move private keys, tokens and passwords into Secrets (mounted as files); keep only references "
                  "(${VAR}, *_FILE paths) in configuration.",
      remediation_zh="将私钥、令牌与口令移入 Secret（以文件挂载），配置中只保留引用（${VAR}、*_FILE 路径）。",
      peers=("C-0012", "polaris:sensitiveContainerEnvVar", "polaris:sensitiveConfigmapContent"))
def secret_content(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        for e in c.get("env") or []:
            value = as_dict(e).get("value")
            hits = secret_values(value) if isinstance(value, str) else []
            if hits:
                yield Violation(obj.target(), f"container '{container_name(c)}' env {as_dict(e).get('name', '?')} "
                                              f"holds a credential ({', '.join(sorted(set(hits)))})")
    for cm in facts.of_kind("ConfigMap"):
        for key, value in sorted(as_dict(cm.obj.get("data")).items(), key=lambda kv: str(kv[0])):
            hits = secret_values(value) if isinstance(value, str) else []
            if hits:
                yield Violation(cm.target(), f"key '{key}' holds credentials: {', '.join(sorted(set(hits)))}")
