"""Alertmanager's configuration generated from the topology: one receiver per region team, one route per region.

Every alert carries a ``region`` label: device and host series get it from the monitor's service discovery, and
each region's Prometheus adds its own region as an external label to the alerts that have none (audit and
compliance alerts). City-wide rules (the city view) label their alerts ``scope: city``. So the tree is:

* ``scope="city"`` → the city's team (a county falling silent is the city's business, whichever county it is);
* ``region="<r>"`` → region r's team, for every region that has a contact;
* anything else (a region without a contact, an alert without a region) → the city's team, the root receiver.

Every receiver also posts to the monitor's webhook, which keeps the alert history (shown on the overview) and
forwards to the team's WeCom and DingTalk robots in their own formats (Alertmanager 0.25 has no DingTalk
integration, and its ``wechat_configs`` speak to a WeCom *application* with an inline ``api_secret``, never to a
group robot). E-mail goes out natively through the stack's relay. No secret is written into the file: the
webhook token and the SMTP password are read from files (``credentials_file``, ``smtp_auth_password_file``).

Timing, chosen for duty teams reached by group robots (DingTalk accepts 20 messages a minute per robot):

* ``group_by: [alertname, region]`` — a storm (a county's uplink lost, 80 devices silent) is one message per
  alert kind and region listing the devices, not 80; each line still names the device and site;
* ``group_wait: 30s`` — alerts already wait ``for: 5m`` in Prometheus; 30 s more gathers a storm into one message;
* ``group_interval: 5m`` — devices joining a firing group are reported at most every 5 minutes;
* ``repeat_interval: 4h`` (``1h`` for ``severity="critical"``) — an unresolved alert is repeated twice per duty
  shift, a critical one every hour, so a forgotten alert does not go quiet and a noisy one does not drown
  the channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from yunwang.contacts import Contact
from yunwang.topology import Topology

SCOPE_LABEL = "scope"
CITY_SCOPE = "city"
"""City-wide rules set ``scope: city`` on their alerts (monitor/prometheus/rules/city/)."""
GROUP_BY = ("alertname", "region")
GROUP_WAIT = "30s"
GROUP_INTERVAL = "5m"
REPEAT_INTERVAL = "4h"
CRITICAL_REPEAT_INTERVAL = "1h"
WEBHOOK_PATH = "/api/v1/alerts/webhook"
INHIBITED_BY_DEVICE_DOWN = "YunwangInterface.*"
"""A device that does not answer SNMP also stops reporting its interfaces: tell people about the device only."""


@dataclass(frozen=True)
class AlertmanagerOptions:
    """What differs between a laptop (``yunwang up``) and the cluster: addresses and secret file paths."""

    monitor_url: str
    """The monitor Alertmanager posts to, e.g. http://yunwang-monitor.security-management.svc.cluster.local:8080."""
    webhook_token_file: str
    """A file holding the monitor's ``alertmanager`` token (Alertmanager reads it; it never enters the config)."""
    smtp_password_file: str | None = None
    """A file holding the SMTP relay's password, when ``alerting.smtp.username`` is set."""
    resolve_timeout: str = "5m"
    group_wait: str = GROUP_WAIT
    group_interval: str = GROUP_INTERVAL
    repeat_interval: str = REPEAT_INTERVAL
    critical_repeat_interval: str = CRITICAL_REPEAT_INTERVAL
    """The timings explained above; a test or a demo shortens them (a production stack keeps the defaults)."""


def webhook_url(monitor_url: str) -> str:
    return monitor_url.rstrip("/") + WEBHOOK_PATH


def receiver_names(topo: Topology) -> list[str]:
    """The receivers: the city's team first (the root), then every other region with a contact."""
    city = topo.city.name
    return [city, *(c.region for c in topo.alerting.contacts if c.region != city)]


def _receiver(name: str, contact: Contact | None, opts: AlertmanagerOptions) -> dict[str, Any]:
    webhook = {"url": webhook_url(opts.monitor_url), "send_resolved": True, "max_alerts": 0,
               "http_config": {"authorization": {"type": "Bearer", "credentials_file": opts.webhook_token_file}}}
    receiver: dict[str, Any] = {"name": name, "webhook_configs": [webhook]}
    if contact is not None and contact.email:
        receiver["email_configs"] = [{"to": ", ".join(contact.email), "send_resolved": True}]
    return receiver


def _critical(receiver: str, opts: AlertmanagerOptions) -> dict[str, Any]:
    """Critical alerts of a branch are repeated more often, to the same team."""
    return {"receiver": receiver, "matchers": ['severity="critical"'],
            "repeat_interval": opts.critical_repeat_interval}


def _branch(receiver: str, matcher: str, opts: AlertmanagerOptions) -> dict[str, Any]:
    return {"receiver": receiver, "matchers": [matcher], "routes": [_critical(receiver, opts)]}


def _global(topo: Topology, opts: AlertmanagerOptions) -> dict[str, Any]:
    out: dict[str, Any] = {"resolve_timeout": opts.resolve_timeout}
    smtp = topo.alerting.smtp
    if smtp is not None:
        out.update({"smtp_smarthost": smtp.smarthost, "smtp_from": smtp.sender, "smtp_require_tls": smtp.require_tls})
        if smtp.username:
            out["smtp_auth_username"] = smtp.username
            if opts.smtp_password_file:
                out["smtp_auth_password_file"] = opts.smtp_password_file
    return out


def alertmanager_config(topo: Topology, opts: AlertmanagerOptions) -> dict[str, Any]:
    """The configuration as data (see the module docstring for the shape and the timings)."""
    city = topo.city.name
    names = receiver_names(topo)
    routes = [_branch(city, f'{SCOPE_LABEL}="{CITY_SCOPE}"', opts),
              *(_branch(name, f'region="{name}"', opts) for name in names), _critical(city, opts)]
    return {
        "global": _global(topo, opts),
        "route": {"receiver": city, "group_by": list(GROUP_BY), "group_wait": opts.group_wait,
                  "group_interval": opts.group_interval, "repeat_interval": opts.repeat_interval,
                  "routes": routes},
        "inhibit_rules": [{"source_matchers": ['alertname="YunwangDeviceDown"'],
                           "target_matchers": [f'alertname=~"{INHIBITED_BY_DEVICE_DOWN}"'],
                           "equal": ["device"]}],
        "receivers": [_receiver(name, topo.alerting.contact_for(name), opts) for name in names],
    }


HEADER = """\
# Alertmanager configuration generated from the topology by monitor/alerting/routing.py: do not edit, change the
# topology's `alerting` section instead. Each region's alerts go to its team; city-wide alerts (scope="city") and
# regions without a team go to the city's. Every receiver posts to the monitor (alert history, WeCom and DingTalk
# robots); e-mail goes through the stack's relay.
"""


def render_alertmanager_config(topo: Topology, opts: AlertmanagerOptions) -> str:
    """``alertmanager.yml`` text (the module docstring explains every choice)."""
    body = yaml.safe_dump(alertmanager_config(topo, opts), sort_keys=False, allow_unicode=True, width=120)
    return HEADER + body


def cluster_peers(hosts: Sequence[str], port: int) -> list[str]:
    """``--cluster.peer`` arguments for an Alertmanager HA group (every member lists every member)."""
    return [f"--cluster.peer={host}:{port}" for host in hosts]


def write_alertmanager_config(path: Path, topo: Topology, opts: AlertmanagerOptions) -> Path:
    """Render and write ``alertmanager.yml`` (creating the folder); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_alertmanager_config(topo, opts), encoding="utf-8")
    return path
