"""The JSON index the audit reads at start-up says exactly what the packaged standard file says."""

from __future__ import annotations

from policies.controls import DATA, INDEX_FILE, STANDARD_FILE, index_text, load_controls


def test_index_is_in_sync_with_the_standard_file() -> None:
    expected = index_text((DATA / STANDARD_FILE).read_text(encoding="utf-8"))
    assert (DATA / INDEX_FILE).read_text(encoding="utf-8") == expected, \
        "policies/data/mlps2-level3-technical.json is stale: run `.venv/bin/python -m policies.controls`"


def test_index_loads_every_control_in_order() -> None:
    controls = load_controls()
    assert len(controls) == len({c.id for c in controls}) > 100
    assert controls[0].id == "8.1.1.1-a" and controls[0].process_only
    assert any(c.automatable == ("kubernetes",) or "kubernetes" in c.automatable for c in controls)
