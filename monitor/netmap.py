"""The city's network drawn as server-side SVG: regions, their sites, devices by up/down, links by state.

Two drawings, both plain SVG with native tooltips (``<title>``) and links (``<a>``), so they read without
script: the *city map* (one box per region — the municipal node in the middle, the counties and districts
around it — with device and link counts, and the links between regions) and one *region drawing* per region
(its sites as groups, every device, every link). A region of more than ``DETAILED_MAX`` devices is drawn
compactly (small squares, names in the tooltips) so a county of a hundred devices stays one screen wide.
Colours are presentation attributes (no inline ``style``), so the page works under a strict CSP.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from links.declared import DeclaredLink, DeclaredNetwork
from links.state import STATE_ZH, LinkReport, State
from yunwang.topology import Device, DeviceRole, Region

DEVICE_COLOURS = {"up": "#2da44e", "down": "#cf222e", "unknown": "#8c959f"}
LINK_COLOURS: dict[str, str] = {State.OK: "#2da44e", State.MISWIRED: "#cf222e", State.DOWN: "#e16f24",
                                State.MISSING: "#bf8700", State.UNKNOWN: "#8c959f", "unexpected": "#8250df"}
"""Stroke of a link in each state (``unexpected``: an undeclared neighbour)."""
WORST_FIRST = (State.MISWIRED, State.DOWN, State.MISSING, State.UNKNOWN, State.OK)
TIER = {DeviceRole.CORE: 0, DeviceRole.ROUTER: 0, DeviceRole.FIREWALL: 1, DeviceRole.AGGREGATION: 2,
        DeviceRole.ACCESS: 3, DeviceRole.IOT_GATEWAY: 4}
DETAILED_MAX = 24
WIDTH = 1160


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


def device_status(up: dict[str, bool] | None, name: str) -> str:
    if up is None or name not in up:
        return "unknown"
    return "up" if up[name] else "down"


def link_state(report: LinkReport | None, link: DeclaredLink) -> State:
    status = report.by_id.get(link.id) if report is not None else None
    return status.state if status is not None else State.UNKNOWN


def worst(states: Iterable[State]) -> State:
    found = set(states)
    return next((s for s in WORST_FIRST if s in found), State.OK)


def _a(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _curve(p: tuple[float, float], q: tuple[float, float], step: float) -> str:
    """A straight segment, or an arc over the row when both ends sit in one row with nodes between them."""
    (x1, y1), (x2, y2) = p, q
    if abs(y1 - y2) < 1 and abs(x1 - x2) > step + 1:
        lift = min(46.0, 0.22 * abs(x2 - x1) + 12)
        return f"M{_a(x1)} {_a(y1)}Q{_a((x1 + x2) / 2)} {_a(y1 - lift)} {_a(x2)} {_a(y2)}"
    return f"M{_a(x1)} {_a(y1)}L{_a(x2)} {_a(y2)}"


def _link_path(link: DeclaredLink, state: State, report: LinkReport | None, p: tuple[float, float],
               q: tuple[float, float], lang: str, step: float = 0.0) -> str:
    status = report.by_id.get(link.id) if report is not None else None
    reason = (status.reason_zh if lang == "zh" else status.reason) if status is not None else ""
    label = STATE_ZH[state] if lang == "zh" else state.value
    title = escape(f"{link} · {label}" + (f" · {reason}" if reason else ""))
    return (f'<path class="link {state.value}" data-link="{escape(link.id)}" data-a="{escape(link.a.device)}" '
            f'data-b="{escape(link.b.device)}" d="{_curve(p, q, step)}" fill="none" '
            f'stroke="{LINK_COLOURS[state]}"><title>{title}</title></path>')


def _device_node(device: Device, box: Box, status: str, detailed: bool, lang: str, region: Region) -> str:
    word = {"up": ("在线", "up"), "down": ("离线", "down"), "unknown": ("未知", "unknown")}[status]
    title = escape(f"{device.name} · {device.role.value} · {device.vendor.value} {device.model} · "
                   f"{device.site or region.name_zh} · {word[0] if lang == 'zh' else word[1]}")
    shape = (f'<rect x="{_a(box.x)}" y="{_a(box.y)}" width="{_a(box.w)}" height="{_a(box.h)}" rx="4" '
             f'fill="{DEVICE_COLOURS[status]}"/>')
    text = ""
    if detailed:
        text = (f'<text x="{_a(box.x + box.w / 2)}" y="{_a(box.y + box.h / 2 + 4)}" text-anchor="middle">'
                f"{escape(device.name)}</text>")
    return (f'<a href="/devices/{escape(device.name)}"><g class="device {status}" data-device="{escape(device.name)}"'
            f' data-role="{device.role.value}" data-site="{escape(device.site)}">{shape}{text}<title>{title}</title>'
            f"</g></a>")


def _sites(devices: list[Device], region: Region) -> list[tuple[str, list[Device]]]:
    groups: dict[str, list[Device]] = defaultdict(list)
    for d in devices:
        groups[d.site or region.name_zh].append(d)
    for members in groups.values():
        members.sort(key=lambda d: (TIER[d.role], d.name))
    return sorted(groups.items(), key=lambda kv: (min(TIER[d.role] for d in kv[1]), -len(kv[1]), kv[0]))


def _rows(members: list[Device], max_cols: int) -> list[list[Device]]:
    """Devices of a site in rows: one tier per row, a tier wider than ``max_cols`` wrapped."""
    rows: list[list[Device]] = []
    by_tier: dict[int, list[Device]] = defaultdict(list)
    for d in members:
        by_tier[TIER[d.role]].append(d)
    for tier in sorted(by_tier):
        group = by_tier[tier]
        rows += [group[i:i + max_cols] for i in range(0, len(group), max_cols)]
    return rows


def region_svg(net: DeclaredNetwork, region: Region, report: LinkReport | None, up: dict[str, bool] | None,
               lang: str) -> str:
    """One region: its sites as groups (largest tiers first), devices, its links and stubs to other regions."""
    devices = net.topology.devices_in(region.name)
    detailed = len(devices) <= DETAILED_MAX
    nw, nh, gap = (132.0, 24.0, 10.0) if detailed else (14.0, 14.0, 5.0)
    max_cols = 3 if detailed else 8
    pad, head, top = 10.0, 20.0, 28.0
    boxes: dict[str, Box] = {}
    groups: list[str] = []
    x, y, row_h = 0.0, top, 0.0
    for site, members in _sites(devices, region):
        grid = _rows(members, max_cols)  # one row per tier (core and routers, firewalls, aggregation, …)
        cols = max(len(row) for row in grid)
        w = max(cols * (nw + gap) - gap + 2 * pad, min(len(site) * 13.0 + 2 * pad, 260.0))
        h = head + len(grid) * (nh + gap) - gap + 2 * pad
        if x > 0 and x + w > WIDTH:
            x, y, row_h = 0.0, y + row_h + 14, 0.0
        groups.append(f'<g class="site"><rect class="site-box" x="{_a(x)}" y="{_a(y)}" width="{_a(w)}" '
                      f'height="{_a(h)}" rx="6" fill="#f6f8fa" stroke="#d0d7de"/>'
                      f'<text class="site-name" x="{_a(x + pad)}" y="{_a(y + 15)}">{escape(site)}</text></g>')
        for r, row in enumerate(grid):
            for c, device in enumerate(row):
                boxes[device.name] = Box(x + pad + c * (nw + gap), y + head + pad + r * (nh + gap), nw, nh)
        x += w + 14
        row_h = max(row_h, h)
    height = y + row_h + 6
    lines: list[str] = []
    for link in net.by_region[region.name]:
        state = link_state(report, link)
        a, b = boxes.get(link.a.device), boxes.get(link.b.device)
        if a is not None and b is not None:
            lines.append(_link_path(link, state, report, a.centre, b.centre, lang, nw + gap))
        else:  # the other end is in another region: a stub to the top edge, named
            near, far = (a, link.b) if a is not None else (b, link.a)
            assert near is not None
            cx, cy = near.centre
            lines.append(_link_path(link, state, report, (cx, cy), (cx + 30, 12), lang))
            lines.append(f'<text class="stub" x="{_a(cx + 34)}" y="14">→ {escape(far.device)}</text>')
    for u in (report.unexpected if report is not None else []):
        near_box = boxes.get(u.sighting.at_device)
        if near_box is None:
            continue
        cx, cy = near_box.centre
        title = escape(u.reason_zh if lang == "zh" else u.reason)
        lines.append(f'<g class="unexpected" data-device="{escape(u.sighting.at_device)}"><path class="link unexpected"'
                     f' d="M{_a(cx)} {_a(cy)}L{_a(cx + 22)} {_a(cy - 20)}" fill="none" '
                     f'stroke="{LINK_COLOURS["unexpected"]}" stroke-dasharray="3 2"/><circle cx="{_a(cx + 22)}" '
                     f'cy="{_a(cy - 20)}" r="5" fill="{LINK_COLOURS["unexpected"]}"/><text class="stranger" '
                     f'x="{_a(cx + 30)}" y="{_a(cy - 17)}">{escape(u.sighting.device)}</text>'
                     f"<title>{title}</title></g>")
    nodes = [_device_node(d, boxes[d.name], device_status(up, d.name), detailed, lang, region) for d in devices]
    return (f'<svg class="region-map{" compact" if not detailed else ""}" id="map-{escape(region.name)}" '
            f'viewBox="0 0 {WIDTH} {_a(height)}" width="100%" role="img" '
            f'aria-label="{escape(region.name_zh)} {escape(region.name)}">{"".join(groups)}'
            f'<g class="links">{"".join(lines)}</g><g class="devices">{"".join(nodes)}</g></svg>')


def city_svg(net: DeclaredNetwork, report: LinkReport | None, up: dict[str, bool] | None,
             scores: dict[str, float | None], lang: str) -> str:
    """The regions as boxes (municipal node in the middle), with counts, and the links between regions."""
    topo = net.topology
    w, h = 190.0, 92.0
    city = [r for r in topo.regions if r.kind == "city"] or list(topo.regions[:1])
    others = [r for r in topo.regions if r not in city]
    boxes: dict[str, Box] = {}
    if len(others) <= 3:  # a row: the municipal node, then the counties it serves
        height, cy = 130.0, 65.0
        for i, r in enumerate([*city, *others]):
            boxes[r.name] = Box(20 + i * (w + 110), cy - h / 2, w, h)
    else:  # a ring of counties around the municipal node
        height, cx, cy = 460.0, WIDTH / 2, 230.0
        for r in city:
            boxes[r.name] = Box(cx - w / 2, cy - h / 2, w, h)
        for i, r in enumerate(others):
            angle = -math.pi / 2 + 2 * math.pi * i / len(others)
            boxes[r.name] = Box(cx + 420 * math.cos(angle) - w / 2, cy + 165 * math.sin(angle) - h / 2, w, h)
    between: dict[tuple[str, str], list[DeclaredLink]] = defaultdict(list)
    for link in net.links:
        if link.a.region != link.b.region:
            ra, rb = sorted((link.a.region, link.b.region))
            between[(ra, rb)].append(link)
    lines = []
    for (ra, rb), links in sorted(between.items()):
        state = worst(link_state(report, ln) for ln in links)
        (x1, y1), (x2, y2) = boxes[ra].centre, boxes[rb].centre
        title = escape(f"{len(links)} · " + "; ".join(str(ln) for ln in links[:6]))
        lines.append(f'<line class="link {state.value}" x1="{_a(x1)}" y1="{_a(y1)}" x2="{_a(x2)}" y2="{_a(y2)}" '
                     f'stroke="{LINK_COLOURS[state]}" stroke-width="3"><title>{title}</title></line>')
    nodes = []
    for r in topo.regions:
        b = boxes[r.name]
        names = [d.name for d in topo.devices_in(r.name)]
        statuses = [device_status(up, n) for n in names]
        link_states = [link_state(report, ln) for ln in net.by_region[r.name]]
        bad = sum(1 for s in link_states if s != State.OK)
        down = statuses.count("down")
        score = scores.get(r.name)
        colour = LINK_COLOURS[worst(link_states)] if link_states else "#d0d7de"
        stats = (f"设备 {len(names)} · 离线 {down} · 链路异常 {bad}" if lang == "zh"
                 else f"{len(names)} devices · {down} down · {bad} links not ok")
        bar = ""
        if score is not None:
            bar = (f'<rect x="{_a(b.x + 10)}" y="{_a(b.y + 70)}" width="{_a(b.w - 20)}" height="8" fill="#eaeef2"/>'
                   f'<rect class="score" x="{_a(b.x + 10)}" y="{_a(b.y + 70)}" width="{_a((b.w - 20) * score)}" '
                   f'height="8" fill="{_score_colour(score)}"><title>{score:.0%}</title></rect>')
        nodes.append(
            f'<a href="#region-{escape(r.name)}" class="region-link" data-region="{escape(r.name)}">'
            f'<g class="region-node"><rect x="{_a(b.x)}" y="{_a(b.y)}" width="{_a(b.w)}" height="{_a(b.h)}" rx="10" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="3"/><text class="region-name" x="{_a(b.x + 10)}" '
            f'y="{_a(b.y + 24)}">{escape(r.name_zh)} {escape(r.name)}</text><text x="{_a(b.x + 10)}" '
            f'y="{_a(b.y + 46)}">{escape(stats)}</text><text x="{_a(b.x + 10)}" y="{_a(b.y + 63)}">'
            f'{escape(_score_text(score, lang))}</text>{bar}<title>{escape(r.name_zh)} {escape(r.name)}</title>'
            f"</g></a>")
    return (f'<svg class="city-map" viewBox="0 0 {WIDTH} {_a(height)}" width="100%" role="img" '
            f'aria-label="{escape(topo.name_zh or topo.name)}"><g class="links">{"".join(lines)}</g>'
            f'{"".join(nodes)}</svg>')


def _score_colour(score: float) -> str:
    return "#2da44e" if score >= 0.95 else "#d4a72c" if score >= 0.8 else "#cf222e"


def _score_text(score: float | None, lang: str) -> str:
    if score is None:
        return "合规 —" if lang == "zh" else "compliance —"
    return f"合规 {score:.0%}" if lang == "zh" else f"compliance {score:.0%}"
