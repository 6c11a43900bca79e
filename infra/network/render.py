"""Render device configurations: resolve the intent, pick the vendor family, fill its template.

Output is the device's full configuration in its own ``display current-configuration`` / ``show running-config``
style. Masked by default (every secret ``[secret]``, see :mod:`infra.network.secrets`); the push form reads
the secrets from the environment.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from infra.network.family import Family
from infra.network.intent import DeviceSpec, IntentError, StackView, resolve
from infra.network.secrets import SecretWriter, mask
from infra.network.vendors import cisco, h3c, huawei, ruijie
from yunwang.errors import InputError, Problem
from yunwang.topology import Device, Topology, Vendor

FAMILIES: dict[Vendor, Family] = {f.vendor: f for f in (huawei.FAMILY, h3c.FAMILY, cisco.FAMILY, ruijie.FAMILY)}
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Rendered:
    device: Device
    text: str
    secrets: tuple[str, ...]
    """Variables the configuration's secret tokens come from (what a push needs set)."""

    @property
    def path(self) -> str:
        """Where the plan keeps it: ``configs/<region>/<device>.cfg``."""
        return f"configs/{self.device.region}/{self.device.name}.cfg"


def _netmask(net: ipaddress.IPv4Network | ipaddress.IPv4Interface) -> str:
    return str(net.netmask)


def _wildcard(net: ipaddress.IPv4Network | ipaddress.IPv4Interface) -> str:
    return str(net.hostmask)


def _ranges(numbers: list[int] | tuple[int, ...], to: str = " to ", sep: str = " ") -> str:
    """VLAN lists as the vendor prints them: ``110 120 to 150`` (VRP/Comware) or ``110,120-150`` (IOS)."""
    out: list[str] = []
    ordered = sorted(set(numbers))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}{to}{ordered[j]}")
        i = j + 1
    return sep.join(out)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False,
                             auto_reload=False)
    env.filters.update(netmask=_netmask, wildcard=_wildcard, ranges=_ranges)
    return env


@cache
def template(name: str) -> jinja2.Template:
    """Compiled once per process (a lookup per device costs more than the rendering)."""
    return environment().get_template(name)


def check_supported(topo: Topology) -> list[tuple[tuple[str | int, ...], str, str, str]]:
    """(key path, value, message, hint) for every device no family can render."""
    out: list[tuple[tuple[str | int, ...], str, str, str]] = []
    for i, device in enumerate(topo.devices):
        family = FAMILIES.get(device.vendor)
        if family is None:
            out.append((("devices", i, "vendor"), device.vendor.value, f"no renderer for vendor {device.vendor}",
                        f"supported vendors: {', '.join(v.value for v in FAMILIES)}"))
            continue
        why = family.unsupported(device)
        if why is not None:
            key, message, hint = why
            out.append((("devices", i, key), getattr(device, key), message, hint))
    return out


def render_spec(spec: DeviceSpec, *, push: bool = False, env: Mapping[str, str] | None = None) -> Rendered:
    family = FAMILIES[spec.device.vendor]
    writer = SecretWriter(push=push, env=env)
    text = template(family.template).render(
        d=spec, kw=family.words, secret=writer, keyword=lambda shown, pushed: pushed if push else shown)
    return Rendered(spec.device, text, tuple(writer.used))


def render_stack(topo: Topology, topology_file: str | Path = "topology", *, devices: list[str] | None = None,
                 push: bool = False, env: Mapping[str, str] | None = None,
                 on_device: Callable[[Rendered], None] | None = None) -> list[Rendered]:
    """Render the stack's devices (or the named ones); every topology problem is one located InputError."""
    return list(iter_rendered(topo, topology_file, devices=devices, push=push, env=env, on_device=on_device))


def iter_rendered(topo: Topology, topology_file: str | Path = "topology", *, devices: list[str] | None = None,
                  push: bool = False, env: Mapping[str, str] | None = None,
                  on_device: Callable[[Rendered], None] | None = None) -> Iterator[Rendered]:
    chosen = _chosen(topo, devices, topology_file)
    view = StackView.of(topo)
    wanted = {view.index[d.name] for d in chosen}
    problems = [p for p in check_supported(topo) if p[0][1] in wanted]
    if problems:
        raise located(topology_file, problems)
    specs = []
    errors = []
    for device in chosen:
        try:
            specs.append(resolve(view, device))
        except IntentError as exc:
            errors.append((exc.path, exc.value, exc.message, exc.hint))
    if errors:
        raise located(topology_file, list(dict.fromkeys(errors)))
    for spec in specs:
        rendered = render_spec(spec, push=push, env=env)
        if on_device is not None:
            on_device(rendered)
        yield rendered


def select_devices(topo: Topology, topology_file: str | Path, names: list[str] | None = None) -> list[Device]:
    """The named devices (all when none are named), each one a family can speak to; else a located InputError."""
    chosen = _chosen(topo, names, topology_file)
    index = {d.name: i for i, d in enumerate(topo.devices)}
    wanted = {index[d.name] for d in chosen}
    problems = [p for p in check_supported(topo) if p[0][1] in wanted]
    if problems:
        raise located(topology_file, problems)
    return chosen


def _chosen(topo: Topology, names: list[str] | None, topology_file: str | Path) -> list[Device]:
    if not names:
        return list(topo.devices)
    unknown = [n for n in names if n not in topo.device_by_name]
    if unknown:
        raise InputError([Problem(str(topology_file), None, "devices", n, "no such device in the stack",
                                  "name a device declared under 'devices'") for n in unknown])
    return [topo.device_by_name[n] for n in dict.fromkeys(names)]


def located(topology_file: str | Path, problems: list[tuple[tuple[str | int, ...], str, str, str]]) -> InputError:
    """Problems with the topology file's line numbers (read again only now, on the error path)."""
    from yunwang.yamlsource import format_path, load_yaml

    lines: Callable[[tuple[str | int, ...]], int | None] = lambda _path: None  # noqa: E731
    path = Path(topology_file)
    if path.is_file():
        doc = load_yaml(path)
        lines = doc.line_of
    return InputError([Problem(str(topology_file), lines(key), format_path(key), str(value), message, hint)
                       for key, value, message, hint in problems])


def mask_running(text: str, vendor: Vendor) -> str:
    """A running configuration read from a device, its secrets shown as ``[secret]`` (comparable with a plan)."""
    return mask(text, FAMILIES[vendor].secret_patterns)


def write_configs(rendered: list[Rendered], out: Path) -> list[Path]:
    """Write ``out/configs/<region>/<device>.cfg``, replacing an earlier ``configs`` folder whole."""
    import shutil

    folder = out / "configs"
    if folder.exists():
        shutil.rmtree(folder)
    written = []
    for item in rendered:
        target = out / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.text, encoding="utf-8")
        written.append(target)
    return written
