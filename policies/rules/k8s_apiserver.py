"""The API server's command-line flags, as its static pod manifest states them (CIS Kubernetes Benchmark 1.2, 3.2).

Each rule judges one concern of kube-bench's checks (named in ``peers``); flags absent from the manifest take the
API server's own default.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, as_dict
from policies.k8s_control_plane import (
    API_SERVER,
    Component,
    as_int,
    each,
    listed,
    of,
    seconds,
    truthy,
    weak_tls,
)
from policies.k8s_flag_rules import AllSet, register

_AUTHN = ("8.1.4.1-a", "8.2.4.1-a")
_TRANSIT = ("8.1.4.7-a", "8.1.4.8-a")
_ACCESS = ("8.1.4.2-e", "8.1.4.2-d")

ETCD_CLIENT_FILES = AllSet(("etcd-certfile", "etcd-keyfile", "etcd-cafile"), "{missing} not set")


@rule(id="YW-K8S-100", clauses=_AUTHN, severity="medium", source="k8s",
      title="API server accepts anonymous requests", title_zh="API Server 允许匿名访问",
      remediation="Start kube-apiserver with --anonymous-auth=false, or restrict anonymous access to the health "
                  "endpoints with an AuthenticationConfiguration (--authentication-config).",
      remediation_zh="为 kube-apiserver 设置 --anonymous-auth=false，或用 AuthenticationConfiguration"
                     "（--authentication-config）把匿名访问限定在健康检查端点。",
      peers=("cis-k8s:1.2.1", "CKV_K8S_68"))
def anonymous_auth(facts: K8sFacts) -> Iterator[Violation]:
    """With --authentication-config the flag cannot be used: anonymous access is then judged on the
    AuthenticationConfiguration files of the set (allowed only with conditions, i.e. for named endpoints)."""
    for comp in of(facts, API_SERVER):
        if truthy(comp.flag("anonymous-auth")) is not False and not comp.flag("authentication-config"):
            yield Violation(comp.obj.target(), f"{comp.where()}: --anonymous-auth is not false (anonymous requests "
                                               "are accepted as system:anonymous)")
    for cfg in facts.of_kind("AuthenticationConfiguration"):
        anonymous = as_dict(cfg.obj.get("anonymous"))
        if truthy(anonymous.get("enabled")) is True and not anonymous.get("conditions"):
            yield Violation(cfg.target(), "anonymous access enabled without conditions: every endpoint accepts "
                                          "anonymous requests")


@rule(id="YW-K8S-104", clauses=("8.1.4.2-a", *_ACCESS), severity="high", source="k8s",
      title="API server authorization mode is not Node,RBAC", title_zh="API Server 授权模式不是 Node,RBAC",
      remediation="Set --authorization-mode=Node,RBAC (never AlwaysAllow).",
      remediation_zh="设置 --authorization-mode=Node,RBAC（不得使用 AlwaysAllow）。",
      peers=("cis-k8s:1.2.6", "cis-k8s:1.2.7", "cis-k8s:1.2.8", "CKV_K8S_74", "CKV_K8S_75", "CKV_K8S_77"))
@each(API_SERVER)
def authorization_mode(comp: Component) -> Iterator[str]:
    if comp.flag("authorization-config"):
        return  # structured authorization configuration (a file this audit does not see) replaces the flag
    modes = listed(comp.flag("authorization-mode")) or ["AlwaysAllow"]
    if "AlwaysAllow" in modes:
        yield f"--authorization-mode={','.join(modes)} lets every authenticated request do anything"
    missing = [m for m in ("Node", "RBAC") if m not in modes]
    if missing:
        yield f"--authorization-mode lacks {' and '.join(missing)}"


@rule(id="YW-K8S-106", clauses=_ACCESS, severity="medium", source="k8s",
      title="Required admission plugins not enabled", title_zh="未启用必需的准入插件",
      remediation="Add NodeRestriction to --enable-admission-plugins and keep ServiceAccount and NamespaceLifecycle "
                  "out of --disable-admission-plugins.",
      remediation_zh="在 --enable-admission-plugins 中加入 NodeRestriction，"
                     "且不要在 --disable-admission-plugins 中禁用 ServiceAccount、NamespaceLifecycle。",
      peers=("cis-k8s:1.2.12", "cis-k8s:1.2.13", "cis-k8s:1.2.14", "CKV_K8S_82", "CKV_K8S_83", "CKV_K8S_85"))
@each(API_SERVER)
def required_admission(comp: Component) -> Iterator[str]:
    if "NodeRestriction" not in listed(comp.flag("enable-admission-plugins")):
        yield "NodeRestriction is not enabled: a kubelet may modify other nodes and their pods"
    disabled = sorted({"ServiceAccount", "NamespaceLifecycle"} & set(listed(comp.flag("disable-admission-plugins"))))
    if disabled:
        yield f"--disable-admission-plugins turns off {', '.join(disabled)}"


@rule(id="YW-K8S-107", clauses=("8.1.4.2-e", "8.2.4.4-b", "8.2.5.1-a"), severity="low", source="k8s",
      title="Recommended admission plugins not enabled", title_zh="未启用推荐的准入插件",
      remediation="Enable AlwaysPullImages (credentials checked on every pull), EventRateLimit (with its admission "
                  "configuration) and DenyServiceExternalIPs (CVE-2020-8554) in --enable-admission-plugins.",
      remediation_zh="在 --enable-admission-plugins 中启用 AlwaysPullImages（每次拉取都校验凭据）、EventRateLimit"
                     "（配合准入配置）与 DenyServiceExternalIPs（CVE-2020-8554）。",
      peers=("cis-k8s:1.2.3", "cis-k8s:1.2.9", "cis-k8s:1.2.11", "CKV_K8S_78", "CKV_K8S_80"))
@each(API_SERVER)
def recommended_admission(comp: Component) -> Iterator[str]:
    enabled = set(listed(comp.flag("enable-admission-plugins")))
    missing = [p for p in ("AlwaysPullImages", "EventRateLimit", "DenyServiceExternalIPs") if p not in enabled]
    if missing:
        yield f"admission plugins not enabled: {', '.join(missing)}"


@rule(id="YW-K8S-109", clauses=("8.1.4.3-a", "8.1.4.3-b", "8.2.3.3-a"), severity="medium", source="k8s",
      title="API server writes no audit log", title_zh="API Server 未记录审计日志",
      remediation="Set --audit-policy-file and --audit-log-path (or --audit-webhook-config-file to send the events "
                  "to the security-management zone's collector).",
      remediation_zh="设置 --audit-policy-file 与 --audit-log-path（或用 --audit-webhook-config-file "
                     "发送到安全管理区的采集端）。",
      peers=("cis-k8s:1.2.16", "cis-k8s:3.2.1", "CKV_K8S_91", "C-0067"))
@each(API_SERVER)
def audit_log(comp: Component) -> Iterator[str]:
    if not comp.flag("audit-policy-file"):
        yield "--audit-policy-file not set: the API server records no audit events"
    if not comp.flag("audit-log-path") and not comp.flag("audit-webhook-config-file"):
        yield "neither --audit-log-path nor --audit-webhook-config-file is set: audit events go nowhere"


AUDIT_RETENTION = {"audit-log-maxage": 30, "audit-log-maxbackup": 10, "audit-log-maxsize": 100}


@rule(id="YW-K8S-110", clauses=("8.1.4.3-c", "8.1.3.5-c"), severity="medium", source="k8s",
      title="Audit log retention too short", title_zh="审计日志保留不足",
      remediation="Set --audit-log-maxage=30 (days), --audit-log-maxbackup=10 and --audit-log-maxsize=100 (MB) or "
                  "more, and ship the log to central storage that keeps it at least six months.",
      remediation_zh="设置 --audit-log-maxage≥30（天）、--audit-log-maxbackup≥10、--audit-log-maxsize≥100（MB），"
                     "并集中存储至少六个月。",
      peers=("cis-k8s:1.2.17", "cis-k8s:1.2.18", "cis-k8s:1.2.19", "CKV_K8S_92", "CKV_K8S_93", "CKV_K8S_94"))
@each(API_SERVER)
def audit_retention(comp: Component) -> Iterator[str]:
    path = comp.flag("audit-log-path")
    if not path or path == "-":
        return  # no log file (YW-K8S-109), or events on stdout for the node's log collector
    for flag, least in AUDIT_RETENTION.items():
        value = as_int(comp.flag(flag))
        if value is None or value < least:
            yield f"--{flag}={comp.flag(flag) or '(unset)'} (at least {least})"


@rule(id="YW-K8S-111", clauses=("8.2.5.1-a",), severity="low", source="k8s",
      title="API server request timeout invalid or too long", title_zh="API Server 请求超时无效或过长",
      remediation="Leave --request-timeout at its default (60s) or set a valid duration of at most 5m.",
      remediation_zh="--request-timeout 保持默认（60s），或设为不超过 5m 的有效时长。",
      peers=("cis-k8s:1.2.20", "CKV_K8S_95"))
@each(API_SERVER)
def request_timeout(comp: Component) -> Iterator[str]:
    value = comp.flag("request-timeout")
    if value is None:
        return
    duration = seconds(value)
    if duration is None or duration <= 0:
        yield f"--request-timeout={value} is not a valid positive duration"
    elif duration > 300:
        yield f"--request-timeout={value}: long requests hold connections open (denial of service)"


@rule(id="YW-K8S-114", clauses=(*_TRANSIT, "8.2.4.1-a"), severity="high", source="k8s",
      title="API server reaches etcd without mutual TLS", title_zh="API Server 访问 etcd 未启用双向 TLS",
      remediation="Set --etcd-certfile, --etcd-keyfile and --etcd-cafile, and https:// etcd servers.",
      remediation_zh="设置 --etcd-certfile、--etcd-keyfile 与 --etcd-cafile，etcd 地址使用 https://。",
      peers=("cis-k8s:1.2.23", "cis-k8s:1.2.26", "CKV_K8S_99", "CKV_K8S_102"))
@each(API_SERVER)
def etcd_client_tls(comp: Component) -> Iterator[str]:
    yield from ETCD_CLIENT_FILES.problems(comp)
    plain = [s for s in listed(comp.flag("etcd-servers")) if s.startswith("http://")]
    if plain:
        yield f"etcd reached in plain HTTP: {', '.join(plain)}"


ENCRYPTING_PROVIDERS = ("kms", "aescbc", "aesgcm", "secretbox")


@rule(id="YW-K8S-117", clauses=("8.1.4.8-b",), severity="high", source="k8s",
      title="Encryption configuration leaves secrets readable", title_zh="加密配置未真正加密 Secret",
      remediation="List an encrypting provider (kms v2, aescbc, aesgcm or secretbox) first for secrets; identity may "
                  "only follow it, to read data written before encryption.",
      remediation_zh="为 secrets 首先列出加密提供者（kms v2、aescbc、aesgcm 或 secretbox）；identity 只能排在其后，"
                     "用于读取加密前写入的数据。",
      peers=("cis-k8s:1.2.28",))
def encryption_providers(facts: K8sFacts) -> Iterator[Violation]:
    for cfg in facts.of_kind("EncryptionConfiguration"):
        covered = False
        for entry in cfg.obj.get("resources") or []:
            entry = as_dict(entry)
            resources = [str(r) for r in entry.get("resources") or []]
            if not {"secrets", "*.*", "*."} & set(resources):
                continue
            covered = True
            first = next(iter(as_dict(p) for p in entry.get("providers") or []), {})
            name = next(iter(first), None)
            if name not in ENCRYPTING_PROVIDERS:
                yield Violation(cfg.target(), f"secrets' first provider is {name or 'missing'}: new secrets are "
                                              "written unencrypted")
        if not covered:
            yield Violation(cfg.target(), "no resources entry covers secrets")


@rule(id="YW-K8S-118", clauses=_TRANSIT, severity="medium", source="k8s",
      title="API server allows weak TLS", title_zh="API Server 允许弱 TLS",
      remediation="Set --tls-cipher-suites to strong suites only (ECDHE with AES-GCM or ChaCha20-Poly1305) and "
                  "--tls-min-version=VersionTLS12 or later.",
      remediation_zh="--tls-cipher-suites 只列强套件（ECDHE + AES-GCM 或 ChaCha20-Poly1305），"
                     "--tls-min-version 不低于 VersionTLS12。",
      peers=("cis-k8s:1.2.29", "CKV_K8S_105"))
@each(API_SERVER)
def api_server_tls(comp: Component) -> Iterator[str]:
    yield from weak_tls(listed(comp.flag("tls-cipher-suites")), comp.flag("tls-min-version"))


@rule(id="YW-K8S-120", clauses=("8.1.4.1-c", *_TRANSIT), severity="high", source="k8s",
      title="API server serves plain HTTP", title_zh="API Server 提供明文 HTTP 端口",
      remediation="Remove --insecure-port and --insecure-bind-address (or set --insecure-port=0) and keep "
                  "--secure-port non-zero.",
      remediation_zh="去掉 --insecure-port 与 --insecure-bind-address（或设 --insecure-port=0），"
                     "--secure-port 不得为 0。",
      peers=("CKV_K8S_86", "CKV_K8S_88", "CKV_K8S_89", "C-0005"))
@each(API_SERVER)
def insecure_port(comp: Component) -> Iterator[str]:
    port = comp.flag("insecure-port")
    if port is not None and as_int(port) != 0:
        yield f"--insecure-port={port}: unauthenticated, unencrypted API access"
    if comp.flag("insecure-bind-address"):
        yield f"--insecure-bind-address={comp.flag('insecure-bind-address')}"
    if as_int(comp.flag("secure-port")) == 0:
        yield "--secure-port=0 turns the TLS port off"


register(__name__)  # this module's section of policies/data/k8s_settings.yaml
