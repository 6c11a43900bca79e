"""Reading Kubernetes YAML: lines of every object, List items, Helm output, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

import policies.k8s as k8s
from policies.engine import ReadStats


def load(*paths: Path) -> tuple[k8s.LoadResult, ReadStats]:
    stats = ReadStats()
    return k8s.load_k8s(list(paths), stats), stats


POD = "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n"


def test_lines_of_documents_lists_and_helm_sources(tmp_path: Path) -> None:
    text = (
        "# leading comment\n"                                     # 1
        + POD.format(name="a")                                   # 2-5
        + "---\n"                                                # 6
        "# Source: chart/templates/b.yaml\n"                     # 7
        + POD.format(name="b")                                   # 8-11
        + "--- \n"                                               # 12
        "apiVersion: v1\n"                                       # 13
        "kind: List\n"                                           # 14
        "items:\n"                                               # 15
        "- apiVersion: v1\n"                                     # 16
        "  kind: ConfigMap\n"                                    # 17
        "  metadata: {name: c1, namespace: x}\n"                 # 18
        "- apiVersion: v1\n"                                     # 19
        "  kind: ConfigMap\n"                                    # 20
        "  metadata: {name: c2, namespace: x}\n"                 # 21
        "---\n"                                                  # 22
        "---\n"                                                  # 23 (empty document)
    )
    (tmp_path / "all.yaml").write_text(text)
    result, stats = load(tmp_path)
    got = {(o.id, o.line, o.template) for o in result.facts.objects}
    assert got == {("Pod/default/a", 2, None), ("Pod/default/b", 8, "chart/templates/b.yaml"),
                   ("ConfigMap/x/c1", 16, None), ("ConfigMap/x/c2", 19, None)}
    assert result.errors == []
    assert stats.of("k8s").as_dict() == {"files": 1, "read": 4, "audited": 4, "skipped": 0}


def test_bad_document_fails_alone_with_its_line(tmp_path: Path) -> None:
    text = POD.format(name="a") + "---\nkind: Pod\nmetadata: [oops\n---\n" + POD.format(name="c")
    (tmp_path / "x.yaml").write_text(text)
    result, stats = load(tmp_path / "x.yaml")
    assert [o.name for o in result.facts.objects] == ["a", "c"]
    [error] = result.errors
    assert (error.file or "").endswith("x.yaml") and error.line in (6, 7, 8) and "invalid YAML" in error.message
    assert stats.of("k8s").skipped == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01binary", "binary file"),
    (b"kind: Pod\nname: \xff\xfe\n", "not UTF-8"),
    (b"- just\n- a list\n", "not a Kubernetes object"),
    (b"metadata: {name: x}\n", "missing 'apiVersion' or 'kind'"),
    (b"apiVersion: v1\nkind: Frobnicator\nmetadata: {name: x}\n", "unknown kind 'Frobnicator'"),
])
def test_bad_input_is_an_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    (tmp_path / "good.yaml").write_text(POD.format(name="ok"))
    result, _ = load(tmp_path)
    assert [o.name for o in result.facts.objects] == ["ok"]
    assert len(result.errors) == 1
    assert result.errors[0].file == str(bad) and message in result.errors[0].message


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(k8s, "MAX_FILE_BYTES", 100)
    big = tmp_path / "big.yaml"
    big.write_text(POD.format(name="big") + "#" * 200 + "\n")
    result, stats = load(big)
    assert result.facts.objects == []
    assert "over the 100-byte limit" in result.errors[0].message
    assert stats.skipped_reasons[0]["file"] == str(big)


def test_custom_resources_and_other_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "cr.yaml").write_text("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n")
    (tmp_path / "README.md").write_text("# docs\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text("not: scanned\n")
    result, stats = load(tmp_path, tmp_path / "missing.yaml")
    reasons = sorted(s["reason"] for s in stats.skipped_reasons)
    assert reasons == ["custom resource cert-manager.io/v1 Certificate: no rules for it", "not a YAML or JSON file"]
    assert [e.message for e in result.errors] == ["no such file or folder"]


def test_json_manifests_are_read(tmp_path: Path) -> None:
    (tmp_path / "pod.json").write_text('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}}')
    result, _ = load(tmp_path)
    assert [o.id for o in result.facts.objects] == ["Pod/default/j"]


TRICKY = """
a: 1
b: [true, false, null, ~, 1.5, 0x1f, 017, "017", '1', 2001-12-14, .inf, yes, 'no']
c: &base {x: 1, y: [1, 2]}
d:
  <<: *base
  y: 3
e: *base
f: |
  line one
  line two
g: !!str 42
h: !!binary aGVsbG8=
1: int key
null: null key
"""


@pytest.mark.parametrize("text", [TRICKY, POD.format(name="a") + "---\n" + POD.format(name="b"), "--- 3\n", ""])
def test_converter_builds_what_pyyaml_builds(text: str) -> None:
    import yaml

    expected = [d for d in yaml.load_all(text, Loader=yaml.CSafeLoader)]
    assert [data for data, _, _ in k8s._parse(text, 0)] == expected
