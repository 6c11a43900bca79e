"""gzip for the agents' scrape answers, as Prometheus asks for it (``Accept-Encoding: gzip``).

The one implementation every agent endpoint uses: the SNMP agent's /snmp and the poller's streamed /metrics
(``agents/snmp/httpd.py``) and the host agent (``agents/host/server.py``), like node_exporter and snmp_exporter.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

GZIP_LEVEL = 1
"""zlib level 1: ~5x smaller exposition text for a fraction of the CPU of the default level 6."""
GZIP_PIECE = 1 << 18
GZIP_MIN_BYTES = 1024
"""Smaller whole bodies are sent as they are (gzip would save little and cost a header)."""
GZIP_WBITS = 31
"""zlib's window bits for a gzip header and trailer."""


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value admits gzip (``gzip`` or ``*`` without ``q=0``); Prometheus always
    sends ``gzip``."""
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            params = params.replace(" ", "")
            if not params.startswith("q="):
                return True
            try:
                return float(params[2:]) > 0
            except ValueError:
                return False
    return False


def should_gzip(size: int, accept_encoding: str) -> bool:
    """Whether a whole body of ``size`` bytes is worth sending gzipped to this client."""
    return size >= GZIP_MIN_BYTES and accepts_gzip(accept_encoding)


def gzip_bytes(body: bytes, level: int = GZIP_LEVEL) -> bytes:
    """A whole body as one gzip member."""
    return zlib.compress(body, level, GZIP_WBITS)


def gzip_stream(chunks: Iterable[bytes | memoryview], level: int = GZIP_LEVEL) -> Iterator[bytes]:
    """``chunks`` as one gzip member, in pieces of about :data:`GZIP_PIECE` bytes as they compress."""
    packer = zlib.compressobj(level, zlib.DEFLATED, GZIP_WBITS)
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        out = packer.compress(chunk)
        if out:
            pending.append(out)
            size += len(out)
            if size >= GZIP_PIECE:
                yield b"".join(pending)
                pending, size = [], 0
    pending.append(packer.flush())
    yield b"".join(pending)
