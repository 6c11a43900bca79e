"""The host collectors as a prometheus_client collector, for programs that already use a ``CollectorRegistry``.

The agent itself does not go through here: building prometheus_client's Metric/Sample objects and letting
``generate_latest`` escape every label on every scrape costs about twice the direct writer
(``agents.host.exposition``; figures in docs/performance.md). The families are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector as PromCollector

from agents.host.scrape import Scraper

_UNTYPED = "unknown"  # prometheus_client's name for the text format's "untyped"


class HostCollector(PromCollector):
    """Yields one prometheus_client Metric per family of a scrape (collectors run with their deadlines)."""

    def __init__(self, scraper: Scraper) -> None:
        self.scraper = scraper

    def collect(self) -> Iterator[Metric]:
        for family in self.scraper.collect():
            if not family.samples:
                continue
            kind = _UNTYPED if family.type == "untyped" else family.type
            name = family.name.removesuffix("_total") if kind == "counter" else family.name
            metric = Metric(name, family.help, kind)
            labelnames = family.labelnames
            for labelvalues, value in family.samples:
                metric.add_sample(family.name, dict(zip(labelnames, labelvalues, strict=True)), value)
            yield metric
