"""Device fact source: read running-config files, detect the vendor, parse them into DeviceConfig units.

A file that cannot be audited (unreadable, binary, too large, not a supported configuration) becomes
an error entry naming the file; every other file is still audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policies.devices.detect import detect_vendor, has_config_markers
from policies.devices.model import DeviceConfig, Evidence
from policies.devices.registry import families, readers, supported_text, vendor_choices
from policies.devices.tree import parse_tree
from policies.engine import AuditError, AuditUnit, ReadStats, Target, Violation
from yunwang.contracts.vendors import Vendor

MAX_CONFIG_BYTES = 8 * 1024 * 1024  # a core switch's full config is well under 1 MB
_SKIP_SUFFIXES = {".gz", ".zip", ".bz2", ".xz", ".tar", ".bin", ".cc", ".png", ".jpg", ".pdf"}


class DeviceInputError(ValueError):
    """One file that cannot be audited; the message names the file and what to do."""


@dataclass
class DeviceLoad:
    configs: list[DeviceConfig] = field(default_factory=list)
    errors: list[AuditError] = field(default_factory=list)

    def units(self) -> list[AuditUnit]:
        return [AuditUnit(source="device", facts=c) for c in self.configs]


def parse_device_config(text: str, file: str, vendor: str = "auto") -> DeviceConfig:
    """Parse one configuration's text with the reader of ``vendor`` (``auto``: the detected vendor); raises
    DeviceInputError when the vendor cannot be recognised, ValueError for a vendor without a reader."""
    if vendor not in vendor_choices():
        raise ValueError(f"vendor {vendor!r} is not one of {', '.join(vendor_choices())}")
    chosen = detect_vendor(text) if vendor == "auto" else vendor
    if chosen is None or not has_config_markers(text):
        expected = " or ".join(family.syntax for family in families())
        raise DeviceInputError(f"{file}: not a recognised {supported_text()} running configuration (expected "
                               f"{expected}); pass --vendor if you are sure of it")
    return readers()[Vendor(chosen)].read(parse_tree(text), file)


def read_config_text(path: Path) -> str:
    """The file's text, or DeviceInputError saying why it cannot be audited."""
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise DeviceInputError(f"{path}: {size} bytes is larger than the {MAX_CONFIG_BYTES} byte limit for "
                                   "one running configuration; split the file or check it is a config")
        data = path.read_bytes()
    except OSError as exc:
        raise DeviceInputError(f"{path}: cannot read the file ({exc.strerror or exc}); check the path and "
                               "its permissions") from exc
    if b"\x00" in data[:65536]:
        raise DeviceInputError(f"{path}: binary file (contains NUL bytes), not a text running configuration")
    for encoding in ("utf-8", "gb18030"):  # Chinese-locale devices save descriptions in GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeviceInputError(f"{path}: neither UTF-8 nor GB18030 text; save the configuration as text")


def expand_paths(paths: Iterable[Path], errors: list[AuditError]) -> list[Path]:
    """Files named directly, plus the regular files inside named folders (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")
                         and p.suffix.lower() not in _SKIP_SUFFIXES)
        elif path.exists():
            files.append(path)
        else:
            errors.append(AuditError(str(path), None, "no such file or folder"))
    return files


def load_device_configs(paths: Sequence[Path], vendor: str = "auto",
                        stats: ReadStats | None = None) -> DeviceLoad:
    """Parse every configuration under ``paths``; problems become error entries, never exceptions."""
    result = DeviceLoad()
    for file in expand_paths(paths, result.errors):
        if stats:
            stats.note_file("device")
        try:
            config = parse_device_config(read_config_text(file), str(file), vendor)
        except DeviceInputError as exc:
            result.errors.append(AuditError(str(file), None, str(exc).removeprefix(f"{file}: ")))
            if stats:
                stats.skip("device", str(file), str(exc))
            continue
        result.configs.append(config)
        if stats:
            stats.note_read("device")
            stats.note_audited("device")
    return result


def device_target(config: DeviceConfig, line: int | None) -> Target:
    """Where a device finding points: the device's name, its config file and the line."""
    return Target(source="device", id=config.hostname, file=config.file, line=line)


def evidence_violations(config: DeviceConfig, *evidence: Evidence | None, why: str = "") -> Iterator[Violation]:
    """One violation per line the reader recorded as evidence, worded as it saw it (``what``, then ``why``).

    The vendor readers already know what a line means; rules whose finding is just "this line" share this
    instead of each rebuilding the same target and message.
    """
    for ev in evidence:
        if ev is not None:
            yield Violation(device_target(config, ev.line), f"{ev.what}: {why}" if why else ev.what)
