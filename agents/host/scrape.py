"""Run every collector for one scrape, each under its own deadline.

Collectors run one after another on a long-lived worker thread, so a normal scrape costs a single thread
hand-off. The scraping thread sleeps until the job is done, waking only when the collector that is running
has passed its deadline: then that collector is reported as failed (``node_scrape_collector_success 0``), the
stuck worker is abandoned, and the remaining collectors go on in a fresh worker. A collector still stuck from an
earlier scrape is reported failed at once instead of being started again (unless it is ``reentrant``).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence

from agents.host.collectors.base import Collector
from agents.host.exposition import Family, render

log = logging.getLogger("yunwang.agent.host")


class _Job:
    __slots__ = ("abandoned", "collectors", "current", "done", "results", "started")

    def __init__(self, collectors: Sequence[Collector]) -> None:
        self.collectors = collectors
        self.current = 0
        self.started = time.monotonic()
        self.done = threading.Event()
        self.abandoned = False
        self.results: list[tuple[Collector, list[Family] | None, float]] = []


class _Worker:
    """A daemon thread that runs scrape jobs; it exits once abandoned (after its stuck call returns)."""

    def __init__(self, scraper: Scraper) -> None:
        self.scraper = scraper
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="host-collectors", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            self.scraper._run_job(job)
            if job.abandoned:
                return


class Scraper:
    """Collect all collectors into exposition text, with node_scrape_collector_{success,duration_seconds}."""

    def __init__(self, collectors: Sequence[Collector]) -> None:
        names = [c.name for c in collectors]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate collector names: {names}")
        self.collectors = list(collectors)
        self._scrape_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._inflight: dict[str, int] = {}
        self._worker: _Worker | None = None
        self._last_error: dict[str, str] = {}

    # -- worker side -------------------------------------------------------------------------------------------
    def _run_job(self, job: _Job) -> None:
        for index, collector in enumerate(job.collectors):
            with self._state_lock:
                if job.abandoned:
                    break
                job.current, job.started = index, time.monotonic()
                busy = self._inflight.get(collector.name, 0)
                if busy and not collector.reentrant:
                    job.results.append((collector, None, 0.0))
                    continue
                self._inflight[collector.name] = busy + 1
            start = time.monotonic()
            families: list[Family] | None
            try:
                families = collector.collect()
            except Exception as exc:  # a collector's failure is reported in its success metric, never raised
                families = None
                self._note_error(collector.name, exc)
            else:
                if self._last_error.pop(collector.name, None) is not None:  # the next failure is logged again
                    log.info("collector %s works again", collector.name)
            duration = time.monotonic() - start
            with self._state_lock:
                self._inflight[collector.name] -= 1
                if job.abandoned:
                    # Returned after its deadline: the scrape already reported it failed.
                    break
                job.results.append((collector, families, duration))
        job.done.set()

    def _note_error(self, name: str, exc: Exception) -> None:
        message = f"{type(exc).__name__}: {exc}"
        if self._last_error.get(name) != message:
            self._last_error[name] = message
            log.warning("collector %s failed: %s", name, message)

    # -- scraping side -----------------------------------------------------------------------------------------
    def select(self, names: Sequence[str]) -> list[Collector]:
        """The collectors named (node_exporter's ``collect[]`` parameter); ValueError for an unknown name."""
        wanted = set(names)
        enabled = {c.name for c in self.collectors}
        unknown = sorted(wanted - enabled)
        if unknown:
            raise ValueError(f"unknown or disabled collector(s): {', '.join(unknown)}; "
                             f"enabled: {', '.join(sorted(enabled))}")
        return [c for c in self.collectors if c.name in wanted]

    def collect(self, only: Sequence[Collector] | None = None) -> list[Family]:
        """All families of one scrape (of ``only``, if given), with per-collector success and duration."""
        with self._scrape_lock:
            results = self._collect_all(self.collectors if only is None else only)
        success = Family("node_scrape_collector_success", "node_exporter: Whether a collector succeeded.",
                         labelnames=("collector",))
        duration = Family("node_scrape_collector_duration_seconds", "node_exporter: Duration of a collector scrape.",
                          labelnames=("collector",))
        families: list[Family] = [success, duration]
        for collector, collected, seconds in results:
            success.add(0 if collected is None else 1, collector.name)
            duration.add(seconds, collector.name)
            if collected:
                families.extend(collected)
        return families

    def scrape(self, only: Sequence[Collector] | None = None) -> str:
        return render(self.collect(only))

    def _collect_all(self, pending: Sequence[Collector]) -> list[tuple[Collector, list[Family] | None, float]]:
        results: list[tuple[Collector, list[Family] | None, float]] = []
        while pending:
            job = _Job(pending)
            if self._worker is None:
                self._worker = _Worker(self)
            self._worker.jobs.put(job)
            stuck = self._wait(job)
            results.extend(job.results)
            if stuck is None:
                break
            collector, seconds = stuck
            results.append((collector, None, seconds))
            self._note_error(collector.name, TimeoutError(f"no answer within {collector.timeout:g} s"))
            try:
                collector.on_timeout()
            except Exception as exc:
                log.warning("collector %s: on_timeout failed: %s", collector.name, exc)
            self._worker = None  # the stuck thread exits by itself when (if) its call returns
            pending = pending[pending.index(collector) + 1:]
        return results

    def _wait(self, job: _Job) -> tuple[Collector, float] | None:
        """Wait for the job; return the collector that missed its deadline (and how long it ran), if any.

        The worker does not signal each collector's start (that would cost a wake-up per collector), so the
        waiter also wakes every ``step`` (the shortest deadline in the job) to look at the collector now running:
        a hung collector is noticed between its deadline and its deadline plus ``step``.
        """
        step = min(c.timeout for c in job.collectors)
        while True:
            index, started = job.current, job.started
            collector = job.collectors[index]
            left = started + collector.timeout - time.monotonic()
            if left > 0:
                if job.done.wait(min(left, step)):
                    return None
                continue
            with self._state_lock:
                if job.done.is_set() or (job.current, job.started) != (index, started):
                    continue
                job.abandoned = True
                # Results appended so far belong to collectors before the stuck one.
                return collector, time.monotonic() - started
