"""The same collectors through prometheus_client: a registry gets exactly the series the agent serves."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from agents.host.collectors import build_collectors
from agents.host.promclient import HostCollector
from agents.host.scrape import Scraper


def series(text: str) -> dict[str, set[tuple[tuple[str, str], ...]]]:
    found: dict[str, set[tuple[tuple[str, str], ...]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, set()).add(tuple(sorted(sample.labels.items())))
    return found


def test_registry_output_matches_the_direct_writer() -> None:
    scraper = Scraper(build_collectors(disable=["time", "timex"]))  # values of these change between two scrapes
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HostCollector(scraper))
    via_client = generate_latest(registry).decode()
    direct = scraper.scrape()
    ours, theirs = series(direct), series(via_client)
    assert ours.keys() == theirs.keys()
    volatile = {"node_scrape_collector_duration_seconds"}
    assert {k: v for k, v in ours.items() if k not in volatile} == {k: v for k, v in theirs.items()
                                                                     if k not in volatile}
    assert "# TYPE node_cpu_seconds_total counter" in via_client
    assert "# TYPE node_vmstat_pgfault untyped" in via_client
