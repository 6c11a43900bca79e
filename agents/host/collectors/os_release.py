"""os: node_os_info and node_os_version from /etc/os-release (or /usr/lib/os-release)."""

from __future__ import annotations

import re
import shlex

from agents.host.collectors.base import Collector
from agents.host.exposition import Family
from agents.host.procfs import read_text

_INFO_KEYS = ("build_id", "id", "id_like", "image_id", "image_version", "name", "pretty_name", "variant",
              "variant_id", "version", "version_codename", "version_id")


def parse_os_release(text: str) -> dict[str, str]:
    """KEY=value lines, values shell-quoted; unknown or malformed lines are skipped."""
    values = {}
    for line in text.splitlines():
        key, sep, raw = line.strip().partition("=")
        if not sep or key.startswith("#"):
            continue
        try:
            parts = shlex.split(raw)
        except ValueError:
            continue
        values[key] = parts[0] if parts else ""
    return values


class OsCollector(Collector):
    name = "os"

    def setup(self) -> None:
        self._parsed: tuple[str, dict[str, str]] = ("", {})

    def collect(self) -> list[Family]:
        try:
            text = read_text(f"{self.paths.etc}/os-release")
        except FileNotFoundError:
            text = read_text(f"{self.paths.root}/usr/lib/os-release")
        if text != self._parsed[0]:
            self._parsed = (text, parse_os_release(text))
        release = self._parsed[1]
        values = tuple(release.get(key.upper(), "") for key in _INFO_KEYS)
        families = [Family("node_os_info", "A metric with a constant '1' value labeled by build_id, id, id_like, "
                           "image_id, image_version, name, pretty_name, variant, variant_id, version, "
                           "version_codename, version_id.", labelnames=_INFO_KEYS).add(1, *values)]
        match = re.match(r"^(\d+)(?:\.(\d+))?", release.get("VERSION_ID", ""))
        if match:
            version = float(f"{match.group(1)}.{match.group(2) or 0}")
            families.append(Family("node_os_version", "Metric containing the major.minor part of the OS version.",
                                   labelnames=("id", "id_like", "name"))
                            .add(version, release.get("ID", ""), release.get("ID_LIKE", ""), release.get("NAME", "")))
        return families
