"""Entry point that runs snmpsim's command responder inside the simulator's own venv.

WHY: snmpsim 1.2 picks the data file of a request (per UDP endpoint, community or v3 context) in
``handleMgmtOperation``, but pysnmp 7.1 calls ``handle_management_operation`` and never reaches it, so
every endpoint would answer from the same file and v3 requests with an empty context (what real managers
send) get no answer at all. This file restores that selection, then hands over to snmpsim's own ``main``.
The endpoint → data file map comes from the JSON file named by ``YUNWANG_SIM_CONTEXTS`` (fleet.py writes
it; devices may share a file).
It runs under the simulator venv's interpreter, so it imports only snmpsim and pysnmp (no project code).
"""

from __future__ import annotations

import json
import os
import sys
from hashlib import md5
from typing import Any

from pysnmp.entity.rfc3413 import cmdrsp
from snmpsim import datafile
from snmpsim.commands import responder


def _registered_name(candidate: bytes) -> bytes:
    """snmpsim registers long data-file identifiers under their MD5 hex digest (context names are ≤ 32)."""
    return md5(candidate).hexdigest().encode() if len(candidate) > 32 else candidate


def _load_contexts() -> dict[bytes, bytes]:
    path = os.environ.get("YUNWANG_SIM_CONTEXTS")
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as fh:
        return {k.encode(): v.encode() for k, v in json.load(fh).items()}


CONTEXTS: dict[bytes, bytes] = {}
"""Transport ID of an endpoint (``1.3.6.1.6.1.1.<n>``) → the data file (context) that serves it."""


def select_context(snmp_context: Any, snmp_engine: Any, context_name: bytes) -> bytes:
    """The context (data file) for the request being served: by endpoint, then v3 context or community."""
    exec_ctx = snmp_engine.observer.get_execution_context("rfc3412.receiveMessage:request")
    domain = exec_ctx["transportDomain"]
    address = exec_ctx["transportAddress"]
    engine_id = exec_ctx["contextEngineId"]
    label = datafile.SELF_LABEL if engine_id == snmp_engine.snmpEngineID else engine_id.prettyPrint()
    requested = exec_ctx["contextName"].prettyPrint()
    # the endpoint decides the device; then snmpsim's own order (context engine, context/community, endpoint)
    endpoint = ".".join(str(x) for x in domain).encode()
    candidates = [CONTEXTS.get(endpoint, endpoint), *datafile.probe_context(domain, address, label, requested)]
    for candidate in candidates:
        name = _registered_name(candidate)
        if name in snmp_context.context_names:
            return name
    return context_name


def _patch(base: type) -> type:
    class Selecting(base):  # type: ignore[misc, valid-type]
        def handle_management_operation(self, snmp_engine: Any, state_reference: Any, context_name: Any,
                                        pdu: Any) -> None:
            chosen = select_context(self.snmpContext, snmp_engine, bytes(context_name))
            super().handle_management_operation(snmp_engine, state_reference, chosen, pdu)

    Selecting.__name__ = base.__name__
    return Selecting


def main() -> int:
    CONTEXTS.update(_load_contexts())
    responder.GetCommandResponder = _patch(cmdrsp.GetCommandResponder)
    responder.SetCommandResponder = _patch(cmdrsp.SetCommandResponder)
    responder.NextCommandResponder = _patch(cmdrsp.NextCommandResponder)
    responder.BulkCommandResponder = _patch(cmdrsp.BulkCommandResponder)
    return int(responder.main() or 0)


if __name__ == "__main__":
    sys.exit(main())
