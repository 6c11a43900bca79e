"""Vendor detection, the indentation tree, and files that cannot be audited (each becomes an error entry)."""

from __future__ import annotations

from pathlib import Path

import pytest
from live_helpers import DEVICES

from policies.devices.detect import detect_vendor
from policies.devices.tree import parse_tree
from policies.engine import ReadStats
from policies.facts_device import MAX_CONFIG_BYTES, DeviceInputError, load_device_configs, parse_device_config


@pytest.mark.parametrize(("name", "vendor"), [
    ("huawei-insecure.cfg", "huawei"), ("huawei-hardened.cfg", "huawei"), ("huawei-usg-insecure.cfg", "huawei"),
    ("huawei-usg-hardened.cfg", "huawei"), ("h3c-insecure.cfg", "h3c"), ("h3c-hardened.cfg", "h3c"),
    ("cisco-insecure.cfg", "cisco"), ("cisco-hardened.cfg", "cisco"),
])
def test_vendor_detected(name: str, vendor: str) -> None:
    assert detect_vendor((DEVICES / name).read_text()) == vendor


@pytest.mark.parametrize(("text", "vendor"), [
    ("#\nsysname A\n#\naaa\n local-user a password irreversible-cipher x\n#\nreturn\n", "huawei"),
    ("#\n sysname A\n#\nlocal-user a class manage\n password hash x\n#\nline vty 0 63\n#\nreturn\n", "h3c"),
    ("#\n sysname A\n#\nuser-interface vty 0 4\n#\nacl number 2000\n#\nreturn\n", "huawei"),
    ("!\nhostname R\n!\nline vty 0 4\n!\nend\n", "cisco"),
    ("server {\n listen 80;\n}\n", None),
    ("just some notes\nabout a switch\n", None),
    ("", None),
])
def test_vendor_markers(text: str, vendor: str | None) -> None:
    assert detect_vendor(text) == vendor


def test_tree_resets_at_separators_and_skips_banner_text() -> None:
    text = ("#\n sysname A\n#\n telnet server enable\n#\ninterface G1\n port link-type access\n#\n"
            "header motd %\n interface Fake\n snmp-agent community read public\n%\n#\nreturn\n")
    tree = parse_tree(text)
    assert [n.text for n in tree.roots] == ["sysname A", "telnet server enable", "interface G1", "header motd %",
                                           "return"]
    assert [(c.text, c.line) for c in tree.roots[2].children] == [("port link-type access", 7)]
    config = parse_device_config(text, "a.cfg", "h3c")
    assert config.communities == [] and config.banner == 9


def test_explicit_vendor_overrides_detection() -> None:
    text = "hostname R\nline vty 0 4\n transport input telnet\n"
    assert parse_device_config(text, "r.cfg", "cisco").telnet
    with pytest.raises(DeviceInputError, match="not a recognised"):
        parse_device_config("interface x\n", "r.cfg")
    with pytest.raises(DeviceInputError, match="not a recognised"):
        parse_device_config("meeting notes: replace the core switch\n", "notes.txt", "huawei")


def test_bad_files_become_errors_and_the_rest_is_audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.cfg"
    good.write_text((DEVICES / "cisco-hardened.cfg").read_text())
    (tmp_path / "firmware.cfg").write_bytes(b"\x7fELF\x00\x01\x02binary")
    (tmp_path / "notes.txt").write_text("to do: replace the core switch\n")
    big = tmp_path / "huge.cfg"
    with big.open("wb") as fh:
        fh.truncate(MAX_CONFIG_BYTES + 1)
    locked = tmp_path / "locked.cfg"
    locked.write_text("hostname X\n!\nend\n")
    locked.chmod(0)
    read_bytes = Path.read_bytes

    def refuse_locked(self: Path) -> bytes:  # root reads mode-0 files, so refuse the way a non-root read would
        if self.name == "locked.cfg":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse_locked)
    stats = ReadStats()
    loaded = load_device_configs([tmp_path, tmp_path / "missing.cfg"], stats=stats)
    assert [c.hostname for c in loaded.configs] == ["LA-CITY-RTR-01"]
    errors = {Path(e.file or "").name: e.message for e in loaded.errors}
    assert "binary" in errors["firmware.cfg"]
    assert "not a recognised" in errors["notes.txt"] and "--vendor" in errors["notes.txt"]
    assert "byte limit" in errors["huge.cfg"]
    assert "no such file" in errors["missing.cfg"]
    assert "cannot read" in errors["locked.cfg"] and "Permission denied" in errors["locked.cfg"]
    assert stats.of("device").skipped == len(loaded.errors) - 1  # the missing path was never a file


def test_gbk_descriptions_are_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.cfg"
    text = "#\nsysname LA-HQ\n#\ninterface G0/0/1\n description 六安市政务外网\n#\nreturn\n"
    path.write_bytes(text.encode("gb18030"))
    loaded = load_device_configs([path])
    assert loaded.errors == [] and loaded.configs[0].hostname == "LA-HQ"
