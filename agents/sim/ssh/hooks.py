"""Device effects a command's plain storage does not cover, named by the dialects (``hook="vlan"`` …).

Secrets are turned into the vendor's stored form here (one-way hashes for ``irreversible-cipher``/``hash``/
``secret``, a reversible ``cipher`` elsewhere) before anything is stored, so no plaintext typed as a hashed form
ever reaches the configuration.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from agents.sim.ssh import config as cfg
from agents.sim.ssh.device import Apply, Hook, SimDevice
from yunwang.contracts import device_passwords as pw

Encoder = Callable[[str], str]


def _replace_value(job: Apply, arg: str, new: str, form: str | None, forms: tuple[str, ...]) -> None:
    """Put ``new`` where the typed value was, preceded by the form keyword (``cipher``) when one is wanted."""
    old = str(job.bindings[arg])
    at = max(i for i, w in enumerate(job.words) if w == old)
    job.words[at] = new
    if form is not None:
        if at > 0 and job.words[at - 1] in forms:
            job.words[at - 1] = form
        else:
            job.words.insert(at, form)
    job.bindings[arg] = new


def reversible(encode: Encoder, args: tuple[str, ...] = ("key", "pw", "name"),
               forms: tuple[str, ...] = ("cipher", "plain", "simple")) -> Hook:
    """Store a typed secret in the reversible ``cipher`` form (deterministic, so ``undo`` with either form works)."""
    def hook(_dev: SimDevice, job: Apply) -> None:
        arg = next((a for a in args if a in job.bindings), None)
        if arg is None:
            return
        value = str(job.bindings[arg])
        _replace_value(job, arg, value if pw.reveal(value) is not None else encode(value), "cipher", forms)
    return hook


def password_forms(forms: dict[str, tuple[str, Encoder | None]]) -> Hook:
    """``form`` binding → (form shown, encoder); a value already in a stored form is kept as typed."""
    def hook(_dev: SimDevice, job: Apply) -> None:
        if "pw" not in job.bindings:
            return
        typed = str(job.bindings.get("form") or "")
        shown, encode = forms.get(typed, (typed, None))
        value = str(job.bindings["pw"])
        if encode is not None and not pw.is_one_way(value) and pw.reveal(value) is None:
            value = encode(value)
        _replace_value(job, "pw", value, shown or None, tuple(forms))
        if shown:
            job.bindings["form"] = shown
    return hook


def acl_rule(first: int, step: int) -> Hook:
    """Number a rule typed without one: the device's step after the highest rule (VRP 5, 10…; Comware 0, 5…)."""
    def hook(_dev: SimDevice, job: Apply) -> None:
        if job.negated or "id" in job.bindings:
            return
        ids = [int(str(n.bindings["id"])) for n in job.frame.node.find(job.command) if "id" in n.bindings]
        number = (max(ids) // step + 1) * step if ids else first
        job.bindings["id"] = str(number)
        job.words.insert(1, str(number))
    return hook


def entry_number(_dev: SimDevice, job: Apply) -> None:
    """Object entries typed without an index get the next free one (``service 0 protocol tcp …``)."""
    if job.negated or "n" in job.bindings:
        return
    used = {int(str(n.bindings["n"])) for n in job.frame.node.find(job.command) if "n" in n.bindings}
    number = next(i for i in range(len(used) + 1) if i not in used)
    job.bindings["n"] = str(number)
    job.words.insert(1, str(number))


def interface(dev: SimDevice, job: Apply) -> str | bool | None:
    name = str(job.bindings["if"])
    if job.negated:
        if dev.is_physical(name) or name not in _interfaces(dev):
            return dev.error("wrong-parameter", None, 0)
        return None
    return dev.enter(job, dev.interface_order(name)) or True


def _interfaces(dev: SimDevice) -> set[str]:
    return {str(n.bindings.get("if")) for n in dev.root.children if "if" in n.bindings}


def vlan_section(batch_pattern: str | None) -> Hook:
    """``vlan N``: VLAN 1 cannot go; on VRP the VLAN also joins (or leaves) the ``vlan batch`` line."""
    def hook(dev: SimDevice, job: Apply) -> str | bool | None:
        vid = int(str(job.bindings["vlan"]))
        if job.negated and vid == 1:
            return dev.error("wrong-parameter", None, 0)
        if batch_pattern is not None:
            batch = next(c for c in dev.dialect.mode(dev.dialect.config_mode).commands if c.pattern == batch_pattern)
            dev.apply_merge(job.frame.node, batch, {vid}, remove=job.negated)
        if job.negated:
            cfg.remove_lines(job.frame.node, job.command, {"vlan": str(vid)})
            return True
        return dev.enter(job, (vid,)) or True
    return hook


def vlan_batch(section_pattern: str) -> Hook:
    """``undo vlan batch 10 20`` also deletes those VLANs' sections (their names go with them)."""
    def hook(dev: SimDevice, job: Apply) -> str | None:
        if job.negated:
            section = next(c for c in dev.dialect.mode(dev.dialect.config_mode).commands
                           if c.pattern == section_pattern)
            for vid in cfg.vlan_ids(job.bindings.get("vlans", ())):
                cfg.remove_lines(job.frame.node, section, {"vlan": str(vid)})
        return None
    return hook


def vlan_range(dev: SimDevice, job: Apply) -> bool:
    """Comware ``vlan 10 to 20`` / RGOS ``vlan range 10-20``: create (or delete) each VLAN's section."""
    section = next(c for c in dev.dialect.mode(dev.dialect.config_mode).commands if c.mode == "vlan")
    for vid in sorted(cfg.vlan_ids(job.bindings["vlans"])):
        if job.negated:
            if vid != 1:
                cfg.remove_lines(job.frame.node, section, {"vlan": str(vid)})
        elif not job.frame.node.find(section, {"vlan": str(vid)}):
            job.frame.node.children.append(cfg.Node(f"vlan {vid}", section, {"vlan": str(vid)}, order=(vid,)))
    return True


def ospf(dev: SimDevice, job: Apply) -> str | bool | None:
    if "pid" not in job.bindings:  # ``ospf router-id X`` is process 1, shown ``ospf 1 router-id X``
        job.bindings["pid"] = "1"
        job.words.insert(1, "1")
    if job.negated:
        cfg.remove_lines(job.frame.node, job.command, {"pid": job.bindings["pid"]})
        return True
    return dev.enter(job, (int(str(job.bindings["pid"])),)) or True


def ospf_area(dev: SimDevice, job: Apply) -> str | bool | None:
    """Areas are shown dotted (``area 0.0.0.0``) whichever way they were typed."""
    area = str(job.bindings["area"])
    dotted = str(ipaddress.IPv4Address(int(area))) if area.isdigit() else area
    job.bindings["area"] = dotted
    job.words[-1] = dotted
    if job.negated:
        cfg.remove_lines(job.frame.node, job.command, {"area": dotted})
        return True
    return dev.enter(job, (int(ipaddress.IPv4Address(dotted)),)) or True


SNMP_VERSIONS = ("v1", "v2c", "v3")


def snmp_versions(_dev: SimDevice, job: Apply) -> bool:
    """``snmp-agent sys-info version`` enables versions and ``undo`` disables them; ``all`` means every one."""
    at, command = job.frame.node, job.command
    old = at.find(command)
    current = set(str(old[0].bindings.get("versions", "")).split()) if old else set()
    named = {w for w in job.words if w in SNMP_VERSIONS} or set(SNMP_VERSIONS)
    current = current - named if job.negated else current | named
    cfg.remove_lines(at, command, {})
    if current:
        versions = " ".join(v for v in SNMP_VERSIONS if v in current)
        shown = "all" if current == set(SNMP_VERSIONS) else versions
        cfg.store_line(at, command, f"snmp-agent sys-info version {shown}", {"versions": versions})
    return True


def address_mask(_dev: SimDevice, job: Apply) -> None:
    """USG shows ``source-address 10.0.0.0 mask 255.255.255.0`` whichever form was typed."""
    if "mask" in job.bindings and "mask" not in job.words:
        job.words.insert(job.words.index(str(job.bindings["mask"])), "mask")


def zone_id(dev: SimDevice, job: Apply) -> str | bool | None:
    """USG ``firewall zone name X [id N]``: a new zone takes the next free id from 4 (1-3 are built in)."""
    if job.negated:
        return None
    existing = job.frame.node.find(job.command, {"zone": job.bindings["zone"]})
    if existing:
        job.bindings.setdefault("id", existing[0].bindings.get("id", "4"))
    elif "id" not in job.bindings:
        used = {str(n.bindings.get("id")) for n in job.frame.node.children if "id" in n.bindings}
        job.bindings["id"] = next(str(i) for i in range(4, 1025) if str(i) not in used)
    return dev.enter(job) or True


def zone_interface(dev: SimDevice, job: Apply) -> None:
    """An interface belongs to one security zone: adding it to a zone takes it out of any other."""
    if job.negated:
        return
    for zone in dev.root.children:
        if zone is not job.frame.node and zone.command is not None and zone.command.mode == "zone":
            zone.children = [c for c in zone.children if c.bindings.get("if") != job.bindings["if"]]


def trunk_default_vlan(shown: str) -> Hook:
    """A trunk carries VLAN 1 unless told not to, and the device shows that as ``undo … vlan 1`` (``shown``)."""
    def hook(dev: SimDevice, job: Apply) -> bool | None:
        values = job.bindings.get("vlans", ())
        ids = cfg.vlan_ids(values) if values else set()
        if 1 not in ids:
            return None
        marker = next(c for c in dev.dialect.mode(job.frame.mode).commands if c.pattern == shown)
        if job.negated:
            cfg.store_line(job.frame.node, marker, shown, {})
        else:
            cfg.remove_lines(job.frame.node, marker, {})
        rest = ids - {1}
        if not rest:
            return True
        job.bindings["vlans"] = (cfg.format_vlans(rest, dev.dialect.layout.vlan_list),)
        return None
    return hook
