"""Readers behind ``collect_facts``: one module per area (sshd, PAM, accounts, network, daemons, system, updates).

Each reader registers itself with ``@fact_source(section)``; ``readers()`` imports every module of this package,
so a new reader is a new function or file here and nothing else.
"""

from __future__ import annotations

from agents.host.discovery import import_modules
from agents.host.factsources.registry import READERS, Reader


def readers() -> dict[str, Reader]:
    """Section name → reader, for every reader in this package."""
    import_modules(__name__)
    return dict(READERS)
