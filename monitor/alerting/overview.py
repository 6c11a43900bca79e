"""The overview page's alert-history section: the latest alerts as notified, and forwards that failed.

``alert_history_section(monitor.alerting.history, lang)`` returns an HTML fragment (a heading and a table, every
value escaped); the overview (monitor/overview.py) places it under the alerts firing now.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from html import escape

from monitor.alerting.history import AlertHistory

BEIJING = timezone(timedelta(hours=8))
TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "最近告警", "en": "Recent alerts"},
    "none": {"zh": "尚无告警通知。", "en": "No alert has been notified yet."},
    "time": {"zh": "通知时间", "en": "Notified"},
    "status": {"zh": "状态", "en": "Status"},
    "alert": {"zh": "告警", "en": "Alert"},
    "region": {"zh": "区域", "en": "Region"},
    "where": {"zh": "对象", "en": "Where"},
    "summary": {"zh": "摘要", "en": "Summary"},
    "firing": {"zh": "告警中", "en": "firing"},
    "resolved": {"zh": "已恢复", "en": "resolved"},
    "failed": {"zh": "条机器人转发失败（见 /api/v1/alerts/deliveries）",
               "en": "robot forward(s) failed (see /api/v1/alerts/deliveries)"},
}


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).astimezone(BEIJING).strftime("%m-%d %H:%M")


def alert_history_section(history: AlertHistory, lang: str = "zh", limit: int = 10) -> str:
    """``<section>`` with the ``limit`` latest alerts and how many robot forwards failed for good."""
    def t(key: str) -> str:
        return TEXT[key]["zh" if lang == "zh" else "en"]

    events = history.events(limit)
    failed = history.deliveries("failed", 1000)
    parts = [f'<section id="alert-history"><h2>{t("title")}</h2>']
    if failed:
        parts.append(f'<p class="bad">{len(failed)} {escape(t("failed"))}</p>')
    if not events:
        parts.append(f"<p>{t('none')}</p></section>")
        return "".join(parts)
    head = "".join(f"<th>{t(k)}</th>" for k in ("time", "status", "alert", "region", "where", "summary"))
    rows = []
    for e in events:
        labels, notes = e["labels"], e["annotations"]
        where = labels.get("device") or labels.get("instance") or ""
        summary = notes.get("summary_zh" if lang == "zh" else "summary") or notes.get("summary", "")
        cls = "ok" if e["status"] == "resolved" else "bad"
        cells = (_when(e["received_at"]), t(e["status"]), e["alertname"], e["region"], where, summary)
        rows.append("<tr>" + "".join(f'<td class="{cls}">{escape(str(c))}</td>' if i == 1 else
                                     f"<td>{escape(str(c))}</td>" for i, c in enumerate(cells)) + "</tr>")
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")
    return "".join(parts)
