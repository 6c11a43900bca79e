"""textfile: metrics written by cron jobs into ``*.prom`` files in a directory, like node_exporter's.

A file that cannot be read or parsed sets ``node_textfile_scrape_error 1`` and is left out; the other files and
collectors are unaffected. Parsed files are cached by (mtime, size) so an unchanged file costs one stat.
"""

from __future__ import annotations

import logging
import os
from typing import Self

from agents.host.collectors.base import Collector, CollectorOptions
from agents.host.exposition import Family
from agents.host.procfs import Paths, read_text

log = logging.getLogger("yunwang.agent.host")
_TYPES = {"counter", "gauge", "untyped", "summary", "histogram"}
_COMPOSITE = {"summary", "histogram"}


def parse_textfile(text: str, path: str) -> list[Family]:
    """Families from Prometheus text format, through prometheus_client's parser (imported only when needed).

    Like node_exporter, samples of one metric that lack some labels get them as empty strings. Histogram and
    summary series are passed on as untyped series of their sample names.
    """
    from prometheus_client.parser import text_string_to_metric_families

    families: list[Family] = []
    for metric in text_string_to_metric_families(text):
        kind = metric.type if metric.type in _TYPES else "untyped"
        help_text = metric.documentation or f"Metric read from {path}"
        names = tuple(sorted({label for sample in metric.samples for label in sample.labels}))
        by_name: dict[str, Family] = {}
        for sample in metric.samples:
            family = by_name.get(sample.name)
            if family is None:
                family = by_name[sample.name] = Family(sample.name, help_text, kind, names)
                if kind in _COMPOSITE:
                    family.type = "untyped"
            family.add(sample.value, *(sample.labels.get(n, "") for n in names))
        families.extend(by_name.values())
    return families


class TextfileCollector(Collector):
    name = "textfile"

    def __init__(self, directory: str | None = None, **kwargs: object) -> None:
        self.directory = directory
        self._cache: dict[str, tuple[tuple[float, int], list[Family] | None]] = {}
        super().__init__(**kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_options(cls, paths: Paths, options: CollectorOptions) -> Self:
        return cls(options.textfile_dir, paths=paths)

    def collect(self) -> list[Family]:
        error = Family("node_textfile_scrape_error", "1 if there was an error opening or reading a file, 0 otherwise")
        if not self.directory:
            return [error.add(0)]
        mtimes = Family("node_textfile_mtime_seconds", "Unixtime mtime of textfiles successfully read.",
                        labelnames=("file",))
        families: list[Family] = []
        failed = 0
        try:
            names = sorted(n for n in os.listdir(self.directory) if n.endswith(".prom"))
        except OSError:
            names, failed = [], 1
        cache: dict[str, tuple[tuple[float, int], list[Family] | None]] = {}
        for name in names:
            path = os.path.join(self.directory, name)
            try:
                st = os.stat(path)
            except OSError:
                failed = 1
                continue
            key = (st.st_mtime, st.st_size)
            cached = self._cache.get(path)
            if cached is not None and cached[0] == key:
                parsed = cached[1]
            else:
                try:
                    parsed = parse_textfile(read_text(path), path)
                except Exception as exc:  # unreadable or not the text format: reported, remembered until changed
                    log.warning("textfile %s: %s", path, exc)
                    parsed = None
            cache[path] = (key, parsed)
            if parsed is None:
                failed = 1
                continue
            families.extend(parsed)
            mtimes.add(st.st_mtime, path)
        self._cache = cache
        return [*families, mtimes, error.add(failed)]
