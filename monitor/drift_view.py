"""HTML for configuration drift, every value escaped: a section of the overview and the drift slot of a device's
page (``/devices/<name>#drift``).

:func:`drift_section` lists the devices whose running configuration differs from their intent (or could not be
read), each with the first lines of its remediation folded under a ``<details>`` and a link to its page;
:func:`drift_detail` is one device's whole drift. Both take stored rows only, so any page can embed them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from monitor.drift_store import DriftRow

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "配置漂移", "en": "Configuration drift"},
    "device": {"zh": "设备", "en": "Device"},
    "region": {"zh": "区域", "en": "Region"},
    "lines": {"zh": "待修正行数", "en": "Lines to remediate"},
    "collected": {"zh": "最近采集", "en": "Last collection"},
    "reported": {"zh": "最近上报", "en": "Last report"},
    "state": {"zh": "状态", "en": "State"},
    "remediation": {"zh": "修正命令（密钥显示为 [secret]）", "en": "Remediation (secrets shown as [secret])"},
    "error": {"zh": "采集错误", "en": "Collection error"},
    "never": {"zh": "从未成功", "en": "never"},
    "in_line": {"zh": "与意图一致", "en": "in line with its intent"},
    "drifted": {"zh": "已漂移", "en": "drifted"},
    "unknown": {"zh": "尚无采集结果", "en": "no collection yet"},
    "summary": {"zh": "{total} 台设备中 {reported} 台已上报：{drifted} 台漂移，{failed} 台采集失败。",
                "en": "{reported} of {total} devices reported: {drifted} drifted, {failed} not collected."},
    "none": {"zh": "尚无漂移报告（yunwang net diff --report-to）。",
             "en": "No drift report yet (yunwang net diff --report-to)."},
    "all_in_line": {"zh": "所有已上报设备的运行配置均与意图一致。",
                    "en": "Every reported device runs its intended configuration."},
    "whole": {"zh": "完整内容", "en": "all of it"},
}
PREVIEW_LINES = 40
"""Remediation lines shown inline on the overview; the device's page shows them all."""


def _t(key: str, lang: str) -> str:
    return escape(TEXT[key][lang])


def _stamp(epoch: float | None, now: float, lang: str) -> str:
    if epoch is None:
        return TEXT["never"][lang]
    minutes = max(0, int(now - epoch)) // 60
    ago = f"{minutes} 分钟前" if lang == "zh" else f"{minutes} min ago"
    return f"{datetime.fromtimestamp(epoch, UTC).strftime('%Y-%m-%d %H:%M UTC')} ({ago})"


def device_drift_path(device: str) -> str:
    """The drift part of the device's page."""
    return f"/devices/{quote(device, safe='')}#drift"


def _remediation(row: DriftRow, limit: int | None) -> str:
    lines = row.remediation.splitlines()
    shown = lines if limit is None else lines[:limit]
    more = "\n…" if len(shown) < len(lines) else ""
    return f'<pre class="remediation">{escape(chr(10).join(shown))}{more}</pre>'


def drift_section(rows: list[DriftRow], devices: int, lang: str, now: float | None = None) -> str:
    """The overview's drift section: a count, then each drifted or uncollected device with its remediation."""
    now = time.time() if now is None else now
    head = f'<section id="drift"><h2>{_t("title", lang)}</h2>'
    if not rows:
        return f"{head}<p>{_t('none', lang)}</p></section>"
    listed = [r for r in rows if r.drifted or r.error is not None]
    counts = {"total": devices, "reported": len(rows), "drifted": sum(r.drifted for r in rows),
              "failed": sum(r.error is not None for r in rows)}
    summary = f'<p class="drift-summary">{escape(TEXT["summary"][lang].format(**counts))}</p>'
    if not listed:
        return f"{head}{summary}<p>{_t('all_in_line', lang)}</p></section>"
    titles = "".join(f"<th>{_t(k, lang)}</th>" for k in ("device", "region", "lines", "collected", "remediation"))
    body = []
    for r in listed:
        link = f'<a href="{escape(device_drift_path(r.device))}">{escape(r.device)}</a>'
        detail = ""
        if r.drifted:
            detail = (f"<details><summary>{r.drift_lines}</summary>{_remediation(r, PREVIEW_LINES)}"
                      f'<a href="{escape(device_drift_path(r.device))}">{_t("whole", lang)}</a></details>')
        if r.error is not None:
            detail += f'<p class="down">{_t("error", lang)}: {escape(r.error)}</p>'
        lines = "" if r.drift_lines is None else str(r.drift_lines)
        body.append(f'<tr class="drift" data-device="{escape(r.device)}"><td>{link}</td><td>{escape(r.region)}</td>'
                    f'<td class="n">{lines}</td><td>{escape(_stamp(r.collected_at, now, lang))}</td>'
                    f"<td>{detail}</td></tr>")
    table = f"<table class=\"drift\"><thead><tr>{titles}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f"{head}{summary}{table}</section>"


def drift_detail(row: DriftRow, lang: str, now: float | None = None) -> str:
    """One device's drift: its state, collection times, the last error and the whole remediation."""
    now = time.time() if now is None else now
    if row.drift_lines is None:
        state = TEXT["unknown"][lang]
    elif row.drift_lines == 0:
        state = TEXT["in_line"][lang]
    else:
        state = f"{TEXT['drifted'][lang]}: {row.drift_lines}"
    facts = [("state", state), ("collected", _stamp(row.collected_at, now, lang)),
             ("reported", _stamp(row.reported_at, now, lang))]
    if row.error is not None:
        facts.append(("error", row.error))
    listed = "".join(f"<dt>{_t(k, lang)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    remediation = f"<h3>{_t('remediation', lang)}</h3>{_remediation(row, None)}" if row.drifted else ""
    return f'<dl class="facts drift">{listed}</dl>{remediation}'
