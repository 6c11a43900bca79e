"""The digest a ``DeviceConfig`` resource carries of its device's intent (its rendering with secrets masked).

The plan computes it from the rendering it writes to ``configs/``; the provider renders again at run time and
refuses to push when the two differ (the topology changed between plan and apply).
"""

from __future__ import annotations

import hashlib


def config_hash(masked_config: str) -> str:
    return hashlib.sha256(masked_config.encode("utf-8")).hexdigest()
