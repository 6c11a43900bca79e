"""Where the monitor delivers alerts and manages silences: resolved once by the CLI or a test."""

from __future__ import annotations

from dataclasses import dataclass

DINGTALK_API = "https://oapi.dingtalk.com/robot/send"
WECOM_API = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"


@dataclass(frozen=True)
class AlertingSettings:
    alertmanager_url: str | None = None
    """This plane's Alertmanager (any member of the HA group: silences gossip to the others)."""
    dingtalk_api: str = DINGTALK_API
    wecom_api: str = WECOM_API
    timeout_s: float = 5.0
    """Per HTTP request to a robot or Alertmanager."""
    tries: int = 3
    """HTTP tries within one delivery attempt (0.5 s, then 1 s apart)."""
    max_attempts: int = 8
    """Delivery attempts before a forward is given up (it stays listed as failed): 1, 2, 4 … 30 minutes apart."""
    poll_s: float = 5.0
    """How often the delivery worker looks for due forwards when nothing wakes it."""
