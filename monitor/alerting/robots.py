"""DingTalk (钉钉) and WeCom (企业微信) group robots: their message format, DingTalk's signature, and one send.

Both take a markdown message; DingTalk's robot with "加签" security needs ``timestamp`` (ms) and ``sign`` =
base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")) in the query, next to its ``access_token``; WeCom's robot is
addressed by its ``key``. Both answer HTTP 200 with ``{"errcode": 0, …}`` on success, another errcode otherwise
(e.g. DingTalk 310000 bad signature, 130101 sending too fast). The keys are secrets: they are read from the
environment (:func:`load_robot_secrets`), travel only in the request URL, and are scrubbed from every error text
this module returns; httpx's request log line (which carries the URL) is kept below INFO.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import httpx

from monitor.alerting.history import Forward, StoredAlert
from yunwang.contacts import DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY, env_name, secret_fields
from yunwang.secrets import env_secret
from yunwang.topology import Topology

logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO line is the request URL, robot keys included
BEIJING = timezone(timedelta(hours=8))
MAX_BYTES = {"dingtalk": 18_000, "wecom": 4_000}
"""Markdown size each robot accepts (DingTalk 20,000 bytes, WeCom 4,096), with room for the closing lines."""
MAX_LINES = 30
"""Alerts listed in one message; the rest are counted."""


@dataclass(frozen=True)
class RobotSecrets:
    """region → field (``wecom_key``, ``dingtalk_token``, ``dingtalk_secret``) → value. Never printed."""

    values: Mapping[str, Mapping[str, str]] = field(repr=False)
    missing: tuple[str, ...] = ()
    """Variables a configured robot needs but the environment does not set."""

    def get(self, region: str, name: str) -> str | None:
        return self.values.get(region, {}).get(name)

    def all(self) -> list[str]:
        return [v for fields in self.values.values() for v in fields.values() if v]


def load_robot_secrets(topo: Topology, env: Mapping[str, str] | None = None) -> RobotSecrets:
    """Every robot secret the topology's contacts need, from ``$YUNWANG_ALERT_<REGION>_<FIELD>`` (or ``…_FILE``)."""
    values: dict[str, dict[str, str]] = {}
    missing: list[str] = []
    for contact in topo.alerting.contacts:
        for name in secret_fields(contact):
            variable = env_name(contact.region, name)
            value = env_secret(variable, env)
            if value:
                values.setdefault(contact.region, {})[name] = value
            else:
                missing.append(variable)
    return RobotSecrets(values, tuple(missing))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of a robot request: base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _line(alert: StoredAlert) -> str:
    labels, notes = alert.labels, alert.annotations
    what = notes.get("summary_zh") or notes.get("summary") or labels.get("alertname", "")
    where = " · ".join(v for v in (labels.get("device") or labels.get("instance", ""), labels.get("site", "")) if v)
    mark = "✅" if alert.status == "resolved" else ("🔴" if labels.get("severity") == "critical" else "🟠")
    ended = f"，恢复于 {_when(alert.ends_at)}" if alert.status == "resolved" and alert.ends_at else ""
    return f"- {mark} {f'**{where}** ' if where else ''}{what}（开始于 {_when(alert.starts_at)}{ended}）"


def title_of(forward: Forward) -> str:
    first = forward.alerts[0].labels if forward.alerts else {}
    firing = sum(1 for a in forward.alerts if a.status == "firing")
    state = f"告警 {firing} 条" if forward.status == "firing" else "已恢复"
    return f"【{state}】{first.get('alertname', '')} · {first.get('region', forward.region)}"


def markdown_of(forward: Forward, limit_bytes: int) -> str:
    """The message body: a heading, one line per alert (until the size limit), a link to Alertmanager."""
    head = f"#### {title_of(forward)}\n\n"
    tail = f"\n\n[Alertmanager]({forward.external_url})" if forward.external_url else ""
    lines: list[str] = []
    size = len((head + tail).encode())
    for alert in forward.alerts[:MAX_LINES]:
        line = _line(alert) + "\n"
        if size + len(line.encode()) > limit_bytes - 80:
            break
        lines.append(line)
        size += len(line.encode())
    left = len(forward.alerts) - len(lines) + forward.truncated
    more = f"\n…另有 {left} 条未列出" if left else ""
    return head + "".join(lines).rstrip("\n") + more + tail


@dataclass(frozen=True)
class Request:
    url: str
    params: dict[str, str]
    body: dict[str, object]


def build_request(forward: Forward, secrets: RobotSecrets, dingtalk_api: str, wecom_api: str,
                  now_ms: int | None = None) -> Request | str:
    """The HTTP request for one forward, or why it cannot be sent (a missing secret)."""
    region = forward.region
    if forward.channel == "dingtalk":
        token, secret = secrets.get(region, DINGTALK_TOKEN), secrets.get(region, DINGTALK_SECRET)
        if not token or not secret:
            return (f"no DingTalk robot secret for region {region}: set {env_name(region, DINGTALK_TOKEN)} and "
                    f"{env_name(region, DINGTALK_SECRET)} (or …_FILE)")
        ts = int(time.time() * 1000) if now_ms is None else now_ms
        text = markdown_of(forward, MAX_BYTES["dingtalk"])
        return Request(dingtalk_api, {"access_token": token, "timestamp": str(ts), "sign": dingtalk_sign(secret, ts)},
                       {"msgtype": "markdown", "markdown": {"title": title_of(forward), "text": text}})
    key = secrets.get(region, WECOM_KEY)
    if not key:
        return f"no WeCom robot key for region {region}: set {env_name(region, WECOM_KEY)} (or …_FILE)"
    return Request(wecom_api, {"key": key},
                   {"msgtype": "markdown", "markdown": {"content": markdown_of(forward, MAX_BYTES["wecom"])}})


def scrub(text: str, secrets: RobotSecrets) -> str:
    for value in secrets.all():
        text = text.replace(value, "[secret]")
    return text


def send(client: httpx.Client, request: Request) -> str | None:
    """POST once; None when the robot accepted it, else what went wrong (no URL, so no key, in it)."""
    try:
        response = client.post(request.url, params=request.params, json=request.body)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__} talking to the robot API"
    if response.status_code != 200:
        return f"robot API answered HTTP {response.status_code}"
    try:
        answer = response.json()
    except ValueError:
        return "robot API answered HTTP 200 without JSON"
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        message = str(answer.get("errmsg", ""))[:300] if isinstance(answer, dict) else ""
        return f"robot refused the message: errcode {code} {message}".rstrip()
    return None
