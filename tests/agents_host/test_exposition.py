"""The text format writer: values, escaping, ordering, merging."""

from __future__ import annotations

import math

from agents.host.exposition import Family, format_value, render


def test_values_are_written_like_go() -> None:
    assert format_value(3) == "3"
    assert format_value(1300.96) == "1300.96"
    assert format_value(2.0) == "2"
    assert format_value(1.795733417e9) == "1795733417"
    assert format_value(1e300) == "1e+300"
    assert format_value(math.inf) == "+Inf"
    assert format_value(-math.inf) == "-Inf"
    assert format_value(math.nan) == "NaN"


def test_label_values_and_help_are_escaped() -> None:
    family = Family("x_info", 'help with \\ and\nnewline', labelnames=("path",)).add(1, 'C:\\dir "q"\nz')
    text = render([family])
    assert '# HELP x_info help with \\\\ and\\nnewline\n' in text
    assert 'x_info{path="C:\\\\dir \\"q\\"\\nz"} 1\n' in text


def test_families_sorted_empty_dropped_same_name_merged() -> None:
    b = Family("b_total", "b", "counter", ("d",)).add(1, "x")
    a = Family("a", "a").add(2)
    empty = Family("c", "never written")
    b2 = Family("b_total", "b", "counter", ("d",)).add(3, "y")
    text = render([b, empty, a, b2])
    assert text == ("# HELP a a\n# TYPE a gauge\na 2\n"
                    '# HELP b_total b\n# TYPE b_total counter\nb_total{d="x"} 1\nb_total{d="y"} 3\n')
