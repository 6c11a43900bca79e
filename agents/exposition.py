"""The label escaper for the agents' exposition writers (one definition, in ``yunwang.contracts.exposition``)."""

from __future__ import annotations

from yunwang.contracts.exposition import escape_label_value

__all__ = ["escape_label_value"]
