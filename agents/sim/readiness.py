"""Is a simulated device answering? One SNMPv3 discovery request per port, the way a poller's first request goes.

A "listening" line in a simulator's log says a port is bound, not that the dispatcher reads it yet: under load the
first request could still go unanswered. Every SNMPv3 agent (snmpsim and the fast simulator alike, whatever the
device's own profile) answers an unauthenticated discovery request with a report, so an answer proves the port
is served without any secret.
"""

from __future__ import annotations

import selectors
import socket
import time

from agents.snmp import ber, usm

_NO_KEYS = usm.UsmKeys(None, b"", None, b"")


def discovery_request(msg_id: int) -> bytes:
    """An SNMPv3 discovery message (no user, no engine ID, reportable): answered with a report by any agent."""
    return usm.encode_v3_message(msg_id, usm.FLAG_REPORTABLE, b"", 0, 0, b"", _NO_KEYS, b"", b"",
                                 ber.encode_pdu(ber.GET, msg_id, b""))


def unanswered(host: str, ports: list[int], wait_s: float) -> list[int]:
    """The ports among ``ports`` on ``host`` from which no reply came within ``wait_s`` of one request each."""
    pending = set(ports)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, selectors.DefaultSelector() as selector:
        sock.setblocking(False)
        sock.bind((host, 0))
        for port in ports:
            try:
                sock.sendto(discovery_request(port), (host, port))
            except OSError:  # a full send buffer: this port is asked again next round
                continue
        selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + wait_s
        while pending and (left := deadline - time.monotonic()) > 0:
            if not selector.select(left):
                break
            while True:
                try:
                    _, (_, port) = sock.recvfrom(65535)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:  # an ICMP error queued for the socket: not an answer
                    continue
                pending.discard(port)
    return sorted(pending)
