"""Host facts from the domestic (信创) server distributions' file layouts: openEuler 22.03 LTS (RPM 4.17 sqlite
database, authselect), Kylin V10 SP3 (Berkeley DB, plain PAM files) and UOS Server 20 (Berkeley DB, authselect),
each hardened and insecure (fixtures/roots, written by scripts/gen_host_examples.py)."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from agents.host.facts import collect_facts
from agents.host.factsources.context import FactContext
from agents.host.factsources.rpmdb import installed_rpms

ROOTS = Path(__file__).parent / "fixtures" / "roots"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "hosts"
TREES = sorted(p.name for p in ROOTS.iterdir())
DISTROS = {"openeuler-22.03": ("openEuler", "22.03", "sqlite"), "kylin-v10-sp3": ("kylin", "V10", "bdb"),
           "uos-20": ("uos", "20", "bdb")}


def _facts(tree: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(collect_facts(ROOTS / tree).to_json())
    return data


def test_every_distribution_has_a_hardened_and_an_insecure_tree() -> None:
    assert sorted(f"{d}-{v}" for d in DISTROS for v in ("hardened", "insecure")) == TREES


@pytest.mark.parametrize("tree", TREES)
def test_identity_layout_family_and_package_database(tree: str) -> None:
    os_id, version, db_format = DISTROS[tree.rsplit("-", 1)[0]]
    facts = _facts(tree)
    assert facts["errors"] == []
    assert (facts["os"]["id"], facts["os"]["version"], facts["os"]["family"]) == (os_id, version, "rpm")
    assert facts["package_db"]["manager"] == "rpm" and facts["package_db"]["format"] == db_format
    assert facts["pam"]["files"] == ["/etc/pam.d/system-auth", "/etc/pam.d/password-auth"]


@pytest.mark.skipif(shutil.which("rpm") is None, reason="needs the rpm program to read the database its own way")
@pytest.mark.parametrize("tree", TREES)
def test_rpm_database_reads_as_rpm_reads_it(tree: str, tmp_path: Path) -> None:
    rpms = installed_rpms(FactContext(ROOTS / tree))
    assert rpms is not None
    database = ROOTS / tree / rpms.path.lstrip("/")
    copy = tmp_path / "db"
    copy.mkdir()
    shutil.copy(database, copy / database.name)  # rpm may leave lock files beside the database it opens
    done = subprocess.run(["rpm", "--dbpath", str(copy), "-qa", "--qf",
                           "%{NAME} %{EPOCHNUM} %{VERSION} %{RELEASE} %{ARCH}\\n"],
                          capture_output=True, text=True, timeout=60, check=True)
    theirs = sorted(tuple(line.split()) for line in done.stdout.splitlines())
    ours = sorted((p.name, str(p.epoch), p.version, p.release, p.arch) for p in rpms.packages)
    assert ours == theirs and len(ours) >= 15


@pytest.mark.parametrize("tree", TREES)
def test_security_advisories_from_the_dnf_cache(tree: str) -> None:
    updates = _facts(tree)["updates"]
    assert len(updates["lists"]) == 1 and updates["lists"][0].startswith("/var/cache/dnf/")
    if tree.endswith("hardened"):
        assert updates["security_pending"] == 0 and updates["advisories"] == []
    else:  # the installed openssl predates the fix; the bugfix advisory for bash does not count
        assert updates["security_pending"] == 1 and updates["packages"] == ["openssl"]
        assert updates["advisories"][0].split("-")[0] in ("openEuler", "KYSA", "UOS")


def test_authselect_profile_features_and_links() -> None:
    hardened = _facts("openeuler-22.03-hardened")["pam"]
    assert hardened["authselect"] == {"installed": True, "profile": "sssd", "managed": True,
                                      "features": ["with-faillock", "with-pwhistory", "without-nullok"]}
    assert hardened["faillock"] == {"enabled": True, "deny": 5, "unlock_time": 900, "fail_interval": 900,
                                    "even_deny_root": True}  # from faillock.conf: the PAM lines carry no options
    assert hardened["pwhistory"] == {"enabled": True, "remember": 5}  # pwhistory.conf
    assert hardened["pwquality"]["minlen"] == 12 and hardened["pwquality"]["minclass"] == 3
    assert hardened["unix"] == {"hash": "sha512", "nullok": False} and hardened["su_wheel"] is True
    insecure = _facts("openeuler-22.03-insecure")["pam"]
    assert insecure["authselect"]["features"] == [] and insecure["faillock"]["enabled"] is False
    assert insecure["unix"]["nullok"] is True and insecure["su_wheel"] is False
    edited = _facts("uos-20-insecure")["pam"]["authselect"]  # profile selected, PAM files replaced by copies
    assert edited["profile"] == "sssd" and edited["managed"] is False


def test_pam_tally2_named_but_not_installed() -> None:
    kylin = _facts("kylin-v10-sp3-insecure")["pam"]
    assert kylin["tally2"]["enabled"] is True and kylin["tally2"]["deny"] == 5
    assert kylin["missing_modules"] == ["pam_tally2.so"] and kylin["authselect"]["installed"] is False
    assert kylin["unix"]["hash"] == "md5" and kylin["pwhistory"] == {"enabled": True, "remember": 3}
    assert _facts("kylin-v10-sp3-hardened")["pam"]["missing_modules"] == []


def test_firewalld_zones_shipped_and_administered() -> None:
    hardened = _facts("openeuler-22.03-hardened")["firewall"]
    assert (hardened["service"], hardened["active"], hardened["default_zone"]) == ("firewalld", True, "public")
    zones = {z["name"]: z for z in hardened["zones"]}
    assert zones["public"]["ports"] == ["22/tcp"] and zones["public"]["interfaces"] == ["eth0"]
    assert zones["drop"]["target"] == "DROP" and zones["drop"]["interfaces"] == ["eth1"]  # NetworkManager keyfile
    insecure = {z["name"]: z for z in _facts("openeuler-22.03-insecure")["firewall"]["zones"]}
    # bound by ZONE= of ifcfg-eth1; the trusted zone file itself is the shipped one
    assert insecure["trusted"]["target"] == "ACCEPT" and insecure["trusted"]["interfaces"] == ["eth1"]
    assert not (ROOTS / "openeuler-22.03-insecure/etc/firewalld/zones/trusted.xml").exists()
    assert set(insecure["public"]["ports"]) == {"22/tcp", "23/tcp", "21/tcp"}
    off = _facts("kylin-v10-sp3-insecure")["firewall"]  # installed, neither running nor enabled
    assert (off["service"], off["active"]) == ("firewalld", False)


def test_auditd_rsyslog_selinux_and_crypto_policy() -> None:
    hardened = _facts("uos-20-hardened")
    assert hardened["auditd"]["config"]["max_log_file_action"] == "keep_logs"
    assert hardened["auditd"]["boot_audit"] is True and hardened["auditd"]["rules"][-1] == "-e 2"
    assert "-w /etc/shadow -p wa -k identity" in hardened["auditd"]["rules"]
    assert hardened["syslog"]["remote_targets"] == ["10.10.99.50:514"]  # a multi-line action() in rsyslog.d
    assert hardened["mac"]["selinux"] == hardened["mac"]["selinux_config"] == "enforcing"
    assert hardened["crypto_policy"]["policy"] == "DEFAULT"
    insecure = _facts("uos-20-insecure")
    assert insecure["auditd"]["config"]["disk_full_action"] == "suspend" and insecure["auditd"]["boot_audit"] is False
    assert insecure["syslog"]["remote"] is False  # the shipped rsyslog.conf's forwarding example is commented out
    assert (insecure["mac"]["selinux"], insecure["mac"]["selinux_config"]) == ("enforcing", "permissive")
    assert _facts("kylin-v10-sp3-insecure")["mac"]["selinux"] == "disabled"
    assert _facts("openeuler-22.03-insecure")["crypto_policy"]["policy"] == "LEGACY"


def test_package_signature_checking() -> None:
    assert _facts("uos-20-insecure")["package_db"]["repos_without_gpgcheck"] == [
        "UnionTechOS-20-everything (UnionTechOS.repo)", "UnionTechOS-20-update (UnionTechOS.repo)"]
    assert _facts("uos-20-hardened")["package_db"]["repos_without_gpgcheck"] == []
    assert _facts("kylin-v10-sp3-insecure")["package_db"]["gpgcheck"] is False


def test_listening_sockets_and_their_processes() -> None:
    sockets = {(s["port"], s["process"]) for s in _facts("openeuler-22.03-insecure")["listening"]}
    assert {(22, "sshd"), (23, "systemd"), (21, "vsftpd"), (323, "chronyd")} == sockets


@pytest.mark.parametrize("tree", TREES)
def test_examples_hold_what_the_agent_collects(tree: str) -> None:
    example = json.loads((EXAMPLES / f"{tree}.facts.json").read_text(encoding="utf-8"))
    collected = _facts(tree)
    example.pop("collected_at")
    collected.pop("collected_at")
    assert example == collected, "run scripts/gen_host_examples.py after changing the trees or the readers"


def _copy(tree: str, tmp_path: Path) -> Path:
    root = tmp_path / tree
    shutil.copytree(ROOTS / tree, root, symlinks=True)
    return root


@pytest.mark.parametrize(("tree", "damage"), [
    ("kylin-v10-sp3-insecure", lambda p: p.write_bytes(p.read_bytes()[:5000])),   # truncated Berkeley DB
    ("kylin-v10-sp3-insecure", lambda p: p.write_bytes(b"\0" * 8192)),            # not a hash database
    ("openeuler-22.03-insecure", lambda p: p.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)),
])
def test_damaged_rpm_database_is_an_error_not_a_guess(tree: str, damage: Any, tmp_path: Path) -> None:
    root = _copy(tree, tmp_path)
    database = next(p for p in (root / "var/lib/rpm").iterdir())
    damage(database)
    facts = json.loads(collect_facts(root).to_json())
    messages = " ".join(e["message"] for e in facts["errors"])
    assert f"/var/lib/rpm/{database.name}" in messages or "RPM database could not be read" in messages
    assert facts["packages"] == {} or "packages" in {e["source"] for e in facts["errors"]}
    assert "security_pending" not in facts["updates"]  # unknown, not "nothing pending"


def test_yum3_cache_layout_and_compressions(tmp_path: Path) -> None:
    """yum 3 keeps updateinfo under /var/cache/yum/<arch>/<releasever>/<repo>/; bz2 and plain XML are read,
    zstd is reported."""
    import bz2

    root = _copy("uos-20-insecure", tmp_path)
    dnf = next((root / "var/cache/dnf").rglob("*updateinfo.xml.gz"))
    text = gzip.decompress(dnf.read_bytes())
    shutil.rmtree(root / "var/cache/dnf")
    yum = root / "var/cache/yum/x86_64/20/UnionTechOS-20-update"
    yum.mkdir(parents=True)
    (yum / "0a1b-updateinfo.xml.bz2").write_bytes(bz2.compress(text))
    updates = json.loads(collect_facts(root).to_json())["updates"]
    assert updates["packages"] == ["openssl"] and updates["lists"][0].endswith(".xml.bz2")
    (yum / "0a1b-updateinfo.xml.bz2").unlink()
    (yum / "0a1b-updateinfo.xml").write_bytes(text)
    assert json.loads(collect_facts(root).to_json())["updates"]["security_pending"] == 1
    (yum / "0a1b-updateinfo.xml").rename(yum / "0a1b-updateinfo.xml.zst")
    facts = json.loads(collect_facts(root).to_json())
    assert "security_pending" not in facts["updates"]
    assert any(".zst" in e["message"] for e in facts["errors"] if e["source"] == "updates")


def test_no_dnf_cache_says_so(tmp_path: Path) -> None:
    root = _copy("openeuler-22.03-hardened", tmp_path)
    shutil.rmtree(root / "var/cache/dnf")
    facts = json.loads(collect_facts(root).to_json())
    assert "security_pending" not in facts["updates"]
    assert any("no cached updateinfo" in e["message"] for e in facts["errors"] if e["source"] == "updates")


@pytest.mark.parametrize(("a", "b"), [
    ("1.0", "1.0"), ("1.0", "2.0"), ("2.0.1", "2.0"), ("1.0a", "1.0"), ("1.0~rc1", "1.0"), ("1.0~rc1", "1.0~rc2"),
    ("1.0^", "1.0"), ("1.0^git1", "1.0^git2"), ("1.0^git1", "1.01"), ("5.5p1", "5.5p10"), ("1.1.1m", "1.1.1k"),
    ("20.oe2203", "15.oe2203"), ("10", "9"), ("a", "1"), ("001", "1"), ("1.0", "1_0"), ("1.0~rc1^git1", "1.0~rc1"),
])
def test_rpm_version_order(a: str, b: str) -> None:
    from agents.host.factsources.updateinfo import rpmvercmp

    ours = rpmvercmp(a, b)
    assert ours == -rpmvercmp(b, a)
    if shutil.which("rpm") is None:
        pytest.skip("rpm not installed: only the symmetry is checked")
    done = subprocess.run(["rpm", "--eval", f'%{{lua: print(rpm.vercmp("{a}", "{b}"))}}'], capture_output=True,
                          text=True, timeout=30, check=True)
    assert ours == int(done.stdout.strip())


@pytest.mark.parametrize(("os_release", "family"), [
    ('ID="openEuler"\nVERSION_ID="22.03"\n', "rpm"), ('ID="kylin"\nVERSION_ID="V10"\n', "rpm"),
    ('ID=uos\nVERSION_ID="20"\n', None),  # UOS ships a Debian (desktop) and an RPM (server) layout under one id
    ('ID="anolis"\nID_LIKE="rhel fedora centos"\n', "rpm"), ('ID=deepin\n', "debian"),
])
def test_family_from_os_release_without_a_package_database(os_release: str, family: str | None,
                                                           tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/os-release").write_text(os_release)
    assert FactContext(tmp_path).family == family
