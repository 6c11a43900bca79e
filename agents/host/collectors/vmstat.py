"""vmstat: the /proc/vmstat fields node_exporter exports by default (oom_kill, pgpg*, pswp*, pg*fault)."""

from __future__ import annotations

import re

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

DEFAULT_FIELDS = re.compile(r"^(oom_kill|pgpg|pswp|pg.*fault).*")


class VmstatCollector(Collector):
    name = "vmstat"

    def setup(self) -> None:
        self._wanted: dict[str, bool] = {}

    def collect(self) -> list[Family]:
        families: list[Family] = []
        wanted = self._wanted
        for line in self.files.text(f"{self.paths.proc}/vmstat").splitlines():
            key, _, value = line.partition(" ")
            keep = wanted.get(key)
            if keep is None:
                keep = wanted[key] = DEFAULT_FIELDS.match(key) is not None
            if keep:
                families.append(Family(f"node_vmstat_{key}", f"/proc/vmstat information field {key}.",
                                       "untyped").add(int(value)))
        return families
