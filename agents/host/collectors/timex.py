"""timex: the kernel clock discipline (NTP) state from adjtimex(2) in read-only mode."""

from __future__ import annotations

import ctypes

from agents.host.collectors.base import Collector, CollectorError
from agents.host.exposition import Family

_STA_NANO = 0x2000
_TIME_ERROR = 5
_PPM16 = 65536 * 1e6  # frequencies are in parts per million, scaled by 2**16


class _Timex(ctypes.Structure):
    _fields_ = [
        ("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long), ("status", ctypes.c_int),
        ("constant", ctypes.c_long), ("precision", ctypes.c_long), ("tolerance", ctypes.c_long),
        ("time_sec", ctypes.c_long), ("time_usec", ctypes.c_long), ("tick", ctypes.c_long),
        ("ppsfreq", ctypes.c_long), ("jitter", ctypes.c_long), ("shift", ctypes.c_int),
        ("stabil", ctypes.c_long), ("jitcnt", ctypes.c_long), ("calcnt", ctypes.c_long),
        ("errcnt", ctypes.c_long), ("stbcnt", ctypes.c_long), ("tai", ctypes.c_int),
        ("_reserved", ctypes.c_int * 11),
    ]


_LIBC: ctypes.CDLL | None = None


def read_timex() -> tuple[int, _Timex] | None:
    """(clock state, timex struct) from a read-only adjtimex(2) call; None if the call fails."""
    global _LIBC
    if _LIBC is None:
        # The process's own symbols, libc's among them: ctypes.util.find_library would run `ldconfig -p`.
        _LIBC = ctypes.CDLL(None, use_errno=True)
    tx = _Timex()
    state = _LIBC.adjtimex(ctypes.byref(tx))
    return None if state < 0 else (state, tx)


class TimexCollector(Collector):
    name = "timex"

    def collect(self) -> list[Family]:
        result = read_timex()
        if result is None:
            raise CollectorError(f"adjtimex failed: errno {ctypes.get_errno()}")
        state, tx = result
        divisor = 1e9 if tx.status & _STA_NANO else 1e6
        metrics: list[tuple[str, str, str, float]] = [
            ("node_timex_offset_seconds", "Time offset in between local system and reference clock.", "gauge",
             tx.offset / divisor),
            ("node_timex_frequency_adjustment_ratio", "Local clock frequency adjustment.", "gauge",
             1 + tx.freq / _PPM16),
            ("node_timex_maxerror_seconds", "Maximum error in seconds.", "gauge", tx.maxerror / 1e6),
            ("node_timex_estimated_error_seconds", "Estimated error in seconds.", "gauge", tx.esterror / 1e6),
            ("node_timex_status", "Value of the status array bits.", "gauge", tx.status),
            ("node_timex_loop_time_constant", "Phase-locked loop time constant.", "gauge", tx.constant),
            ("node_timex_tick_seconds", "Seconds between clock ticks.", "gauge", tx.tick / 1e6),
            ("node_timex_pps_frequency_hertz", "Pulse per second frequency.", "gauge", tx.ppsfreq / _PPM16),
            ("node_timex_pps_jitter_seconds", "Pulse per second jitter.", "gauge", tx.jitter / divisor),
            ("node_timex_pps_shift_seconds", "Pulse per second interval duration.", "gauge", tx.shift),
            ("node_timex_pps_stability_hertz", "Pulse per second stability, average of recent frequency changes.",
             "gauge", tx.stabil / _PPM16),
            ("node_timex_pps_jitter_total", "Pulse per second count of jitter limit exceeded events.", "counter",
             tx.jitcnt),
            ("node_timex_pps_calibration_total", "Pulse per second count of calibration intervals.", "counter",
             tx.calcnt),
            ("node_timex_pps_error_total", "Pulse per second count of calibration errors.", "counter", tx.errcnt),
            ("node_timex_pps_stability_exceeded_total", "Pulse per second count of stability limit exceeded events.",
             "counter", tx.stbcnt),
            ("node_timex_tai_offset_seconds", "International Atomic Time (TAI) offset.", "gauge", tx.tai),
            ("node_timex_sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).", "gauge",
             0 if state == _TIME_ERROR else 1),
        ]
        return [Family(name, help_text, kind).add(value) for name, help_text, kind, value in metrics]
