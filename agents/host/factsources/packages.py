"""Installed software, both families: risky legacy packages, and which package database (and signature checking)
the verdict rests on. dpkg's status file on the Debian family; the RPM database on the RPM family (rpmdb.py)."""

from __future__ import annotations

import configparser

from agents.host.factsources.context import DPKG_STATUS, FactContext
from agents.host.factsources.registry import fact_source
from agents.host.factsources.rpmdb import installed_rpms
from yunwang.contracts.host_facts import PackageDbFacts

# Reported key → package names that provide it (Debian, then the RPM family: openEuler, Kylin, UOS, RHEL).
RISKY_PACKAGES = {
    "telnetd": ("telnetd", "inetutils-telnetd", "telnetd-ssl", "telnet-server"),
    "rsh-server": ("rsh-server", "rsh-redone-server"),
    "ftp": ("ftp", "inetutils-ftp", "tnftp"),
    "vsftpd": ("vsftpd",),
    "tftpd": ("tftpd", "tftpd-hpa", "atftpd", "tftp-server"),
    "xinetd": ("xinetd",),
    "nis": ("nis", "ypserv", "ypbind"),
    "talkd": ("talkd", "inetutils-talkd", "talk-server"),
    "telnet": ("telnet", "inetutils-telnet"),
}
# dnf reads dnf.conf (yum.conf is its compatibility link on openEuler and Kylin); yum 3 reads yum.conf.
PACKAGE_MANAGER_CONFIGS = ("etc/dnf/dnf.conf", "etc/yum.conf")


def installed_dpkg(text: str) -> dict[str, str]:
    """Package → version of every installed package in dpkg's status file."""
    installed: dict[str, str] = {}
    package = version = None
    status = ""
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if package and status.endswith(" installed"):
                installed[package] = version or ""
            package = version = None
            status = ""
        elif line.startswith("Package: "):
            package = line[9:].strip()
        elif line.startswith("Status: "):
            status = line[8:].rstrip()
        elif line.startswith("Version: "):
            version = line[9:].strip()
    return installed


def _dpkg(ctx: FactContext, source: str) -> dict[str, str] | None:
    """The installed packages of dpkg's status file, parsed once per collection (packages and package_db)."""
    def parse() -> dict[str, str] | None:
        text = ctx.read(DPKG_STATUS, source)
        return installed_dpkg(text) if text is not None else None

    return ctx.memo("dpkg", parse)


def _installed_names(ctx: FactContext) -> set[str] | None:
    if ctx.family == "debian":
        dpkg = _dpkg(ctx, "packages")
        return set(dpkg) if dpkg is not None else None
    rpms = installed_rpms(ctx)
    return {p.name for p in rpms.packages} if rpms is not None else None


@fact_source("packages")
def packages(ctx: FactContext) -> dict[str, bool]:
    installed = _installed_names(ctx)
    if installed is None:
        ctx.error("packages", "no package database found (dpkg status or the RPM database)")
        return {}
    return {key: any(name in installed for name in names) for key, names in RISKY_PACKAGES.items()}


def _ini(ctx: FactContext, relative: str) -> configparser.ConfigParser | None:
    text = ctx.read(relative, "package_db")
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source="/" + relative)
    except configparser.Error as exc:
        ctx.error("package_db", f"/{relative}: {exc.message}")
        return None
    return parser


def _is_off(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("0", "false", "no", "off")


def _signature_checking(ctx: FactContext, facts: PackageDbFacts) -> None:
    """gpgcheck of the [main] section (on when unset: dnf's and yum's default) and enabled repositories that turn
    it off for themselves."""
    main_off = False
    for relative in PACKAGE_MANAGER_CONFIGS:
        parser = _ini(ctx, relative)
        if parser is not None and parser.has_section("main"):
            main_off = _is_off(parser.get("main", "gpgcheck", fallback=None))
            break
    facts.gpgcheck = not main_off
    for repo_file in sorted(ctx.path("etc/yum.repos.d").glob("*.repo")):
        parser = _ini(ctx, str(repo_file.relative_to(ctx.root)))
        if parser is None:
            continue
        for section in parser.sections():
            if _is_off(parser.get(section, "enabled", fallback="1")):
                continue
            gpgcheck = parser.get(section, "gpgcheck", fallback=None)
            if _is_off(gpgcheck) or (gpgcheck is None and main_off):
                facts.repos_without_gpgcheck.append(f"{section} ({repo_file.name})")


@fact_source("package_db")
def package_db(ctx: FactContext) -> PackageDbFacts:
    if ctx.family == "debian":
        dpkg = _dpkg(ctx, "package_db")
        return PackageDbFacts(manager="dpkg", path="/" + DPKG_STATUS, format="dpkg status",
                              installed=len(dpkg) if dpkg is not None else None)
    rpms = installed_rpms(ctx)
    if rpms is None:
        return PackageDbFacts()
    facts = PackageDbFacts(manager="rpm", path=rpms.path, format=rpms.format, installed=len(rpms.packages))
    _signature_checking(ctx, facts)
    return facts
