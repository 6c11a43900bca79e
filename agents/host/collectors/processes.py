"""processes: process and thread counts by state, like node_exporter's (off by default there and here: it
reads one file per process and per thread, which costs more than all default collectors together)."""

from __future__ import annotations

import os
from collections import Counter

from agents.host.collectors.base import Collector
from agents.host.exposition import Family
from agents.host.procfs import read_text


def _state(stat: str) -> str:
    """The state letter of a /proc/<pid>/stat line (after the parenthesised command, which may hold spaces)."""
    return stat[stat.rindex(")") + 2]


class ProcessesCollector(Collector):
    name = "processes"
    enabled_by_default = False

    def collect(self) -> list[Family]:
        proc = self.paths.proc
        states: Counter[str] = Counter()
        thread_states: Counter[str] = Counter()
        pids = threads = 0
        for entry in os.listdir(proc):
            if not entry.isdigit():
                continue
            try:
                states[_state(read_text(f"{proc}/{entry}/stat"))] += 1
                tasks = os.listdir(f"{proc}/{entry}/task")
                for task in tasks:
                    thread_states[_state(read_text(f"{proc}/{entry}/task/{task}/stat"))] += 1
            except (OSError, ValueError, IndexError):
                continue  # the process exited while we looked
            pids += 1
            threads += len(tasks)
        state_family = Family("node_processes_state", "Number of processes in each state.", labelnames=("state",))
        for state in sorted(states):
            state_family.add(states[state], state)
        thread_family = Family("node_processes_threads_state", "Number of threads in each state.",
                               labelnames=("thread_state",))
        for state in sorted(thread_states):
            thread_family.add(thread_states[state], state)
        families = [
            Family("node_processes_pids", "Number of PIDs").add(pids),
            Family("node_processes_threads", "Allocated threads in system").add(threads),
            state_family,
            thread_family,
        ]
        max_pids = self.files.int(f"{proc}/sys/kernel/pid_max")
        if max_pids is not None:
            families.append(Family("node_processes_max_processes", "Number of max PIDs limit").add(max_pids))
        max_threads = self.files.int(f"{proc}/sys/kernel/threads-max")
        if max_threads is not None:
            families.append(Family("node_processes_max_threads", "Limit of threads in the system").add(max_threads))
        return families
