"""Group commit for heartbeats: one writer thread stores whatever has queued up in one transaction.

On SQLite with synchronous=FULL each commit costs an fsync (several ms on these disks), and concurrent writers
wait on SQLite's lock with sleep-and-retry. Funnelling heartbeats through one writer and committing them in
batches keeps the fsync count at one per batch, so 1,000 agents cost a few commits a second, while every reply
is still sent only after its heartbeat is durably committed.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from monitor.schemas import Heartbeat
from monitor.store import Conflict, Store

log = logging.getLogger("yunwang.monitor.ingest")

MAX_BATCH = 500
_STOP = object()


class HeartbeatWriter:
    def __init__(self, store: Store):
        self._store = store
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="heartbeat-writer", daemon=True)
        self._thread.start()

    def submit(self, hb: Heartbeat) -> Future[Conflict | None]:
        """A future resolved once ``hb`` is committed (None) or refused as replayed/out of order (Conflict)."""
        future: Future[Conflict | None] = Future()
        self._queue.put((hb, future))
        return future

    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            batch = [item]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                batch.append(more)
            self._write(batch)  # type: ignore[arg-type]
            if stop:
                return

    def _write(self, batch: list[tuple[Heartbeat, Future[Conflict | None]]]) -> None:
        try:
            outcomes = self._store.record_heartbeats([hb for hb, _ in batch])
        except Exception as exc:  # the whole transaction failed: nothing of it was stored, tell every sender
            log.exception("storing %d heartbeats failed", len(batch))
            for _, future in batch:
                future.set_exception(exc)
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            future.set_result(outcome)
