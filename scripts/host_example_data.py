"""The file layouts of the domestic (信创) server distributions, hardened and insecure, as gen_host_examples.py writes
them: openEuler 22.03 LTS, Kylin Linux Advanced Server V10 SP3 (Lance) and UnionTech OS Server 20 (1050e, "fuyu").

What each distribution ships is written once (``Distro``), as what differs from the RPM family's defaults
(``RPM_FAMILY_PACKAGES``, the Berkeley DB rpmdb, authselect); the two variants differ only in what an administrator
changed: the hardened trees follow the project's baseline, the insecure ones hold the mistakes met on real hosts
(a CentOS 7 hardening script's pam_tally2 lines, a "trusted" zone on the service interface, gpgcheck=0 repositories
as UOS ships them, LEGACY crypto policy, shipped auditd.conf defaults, SELinux switched off). File texts follow the
distributions' own packages (setup, pam, authselect, openssh, audit, rsyslog, firewalld, selinux-policy,
crypto-policies, dnf, *-release); live state (/proc, /sys) is what the agent reads on a running host.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Package = tuple[str, int, str, str, str]  # name, epoch, version, release, arch


@dataclass
class Tree:
    files: dict[str, str]
    links: dict[str, str] = field(default_factory=dict)
    packages: list[Package] = field(default_factory=list)
    rpmdb_path: str = "var/lib/rpm/rpmdb.sqlite"


@dataclass(frozen=True)
class OpensslBuilds:
    """openssl releases around the CVE-2023-0286 advisory: the insecure trees install one that predates the fix."""

    version: str
    installed: str  # release in the insecure tree
    fixed: str  # release the advisory names
    hardened: str  # release in the hardened tree


@dataclass(frozen=True, kw_only=True)
class Distro:
    """What one distribution ships; the defaults are the RPM family's, so each distribution states what differs."""

    key: str
    hostname: str
    address: str  # management address sshd listens on in the hardened tree
    os_release: str
    release_files: dict[str, str]
    kernel: str
    dist: str  # release suffix of the distribution's packages (oe2203, ky10)
    packages: dict[str, str]  # name → "version-release" (no dist tag), over RPM_FAMILY_PACKAGES
    openssl: OpensslBuilds
    repo_file: str
    repo_text: str
    update_repo: str  # repository id holding updateinfo
    advisory: str
    lvm: str  # volume group name on the kernel command line
    rpmdb_path: str = "var/lib/rpm/Packages"  # RPM 4.15's Berkeley DB; RPM 4.17 moved to rpmdb.sqlite
    authselect: bool = True


def _repo(template: str, sections: list[dict[str, str]]) -> str:
    """A .repo file's sections, one ``template`` filled per repository, blank lines between."""
    return "\n".join(template.format(**section) for section in sections)


# name → "version-release" (without the dist tag) the distributions here share; each overrides what it ships newer.
RPM_FAMILY_PACKAGES = {"openssh-server": "8.2p1-9", "openssh": "8.2p1-9", "firewalld": "0.8.6-4",
                       "crypto-policies": "20200619-3.git781bbd4"}
_EPOCHS = {"audit": 1, "openssl": 1, "telnet-server": 1, "telnet": 1}
_NOARCH = {"firewalld", "dnf", "crypto-policies", "selinux-policy"}

OPENEULER = Distro(
    key="openeuler-22.03", hostname="la-gov-oe-01", address="10.10.99.31",
    os_release='NAME="openEuler"\nVERSION="22.03 LTS"\nID="openEuler"\nVERSION_ID="22.03"\n'
               'PRETTY_NAME="openEuler 22.03 LTS"\nANSI_COLOR="0;31"\n\n',
    release_files={"etc/openEuler-release": "openEuler release 22.03 LTS\n"},
    kernel="5.10.0-60.18.0.50.oe2203.x86_64", dist="oe2203", rpmdb_path="var/lib/rpm/rpmdb.sqlite",
    packages={"bash": "5.1.8-6", "openssh-server": "8.8p1-8", "openssh": "8.8p1-8", "pam": "1.5.2-2",
              "audit": "3.0.1-3", "rsyslog": "8.2110.0-8", "chrony": "4.1-3", "firewalld": "1.0.1-7",
              "authselect": "1.2.4-1", "dnf": "4.10.0-3", "selinux-policy": "35.5-6", "sssd-client": "2.6.1-2",
              "openEuler-release": "22.03LTS-52", "kernel": "5.10.0-60.18.0.50", "sudo": "1.9.8p2-3"},
    openssl=OpensslBuilds("1.1.1m", "15", "20", "22"),
    repo_file="openEuler.repo",
    repo_text="""#generic-repos is licensed under the Mulan PSL v2.
#You can use this software according to the terms and conditions of the Mulan PSL v2.
#You may obtain a copy of Mulan PSL v2 at:
#    http://license.coscl.org.cn/MulanPSL2
#THIS SOFTWARE IS PROVIDED ON AN "AS IS" BASIS, WITHOUT WARRANTIES OF ANY KIND, EITHER EXPRESS OR
#IMPLIED, INCLUDING BUT NOT LIMITED TO NON-INFRINGEMENT, MERCHANTABILITY OR FIT FOR A PARTICULAR
#PURPOSE.
#See the Mulan PSL v2 for more details.

""" + _repo("""[{id}]
name={id}
baseurl=http://repo.openeuler.org/openEuler-22.03-LTS/{path}/
enabled=1
gpgcheck=1
gpgkey=http://repo.openeuler.org/openEuler-22.03-LTS/{key}/RPM-GPG-KEY-openEuler
""", [{"id": "OS", "path": "OS/$basearch", "key": "OS/$basearch"},
      {"id": "everything", "path": "everything/$basearch", "key": "everything/$basearch"},
      {"id": "EPOL", "path": "EPOL/main/$basearch", "key": "OS/$basearch"},
      {"id": "debuginfo", "path": "debuginfo/$basearch", "key": "debuginfo/$basearch"},
      {"id": "source", "path": "source", "key": "source"},
      {"id": "update", "path": "update/$basearch", "key": "OS/$basearch"}]),
    update_repo="update", advisory="openEuler-SA-2023-1070", lvm="openeuler")

KYLIN = Distro(
    key="kylin-v10-sp3", hostname="la-gov-ky-01", address="10.10.99.32",
    os_release='NAME="Kylin Linux Advanced Server"\nVERSION="V10 (Lance)"\nID="kylin"\nVERSION_ID="V10"\n'
               'PRETTY_NAME="Kylin Linux Advanced Server V10 (Lance)"\nANSI_COLOR="0;31"\n\n',
    release_files={"etc/kylin-release": "Kylin Linux Advanced Server release V10 (Lance)\n"},
    kernel="4.19.90-52.22.v2207.ky10.x86_64", dist="ky10", authselect=False,
    packages={"bash": "5.0.17-2", "pam": "1.5.1-7", "audit": "3.0-5", "rsyslog": "8.2006.0-7", "chrony": "3.5-4",
              "dnf": "4.2.23-10", "selinux-policy": "3.14.2-78", "kylin-release": "V10-64",
              "kernel": "4.19.90-52.22.v2207", "sudo": "1.9.2-7"},
    openssl=OpensslBuilds("1.1.1f", "15", "17", "19"),
    repo_file="kylin_x86_64.repo",
    repo_text="###Kylin Linux Advanced Server 10 - os repo###\n\n" + _repo("""[ks10-adv-{id}]
name = Kylin Linux Advanced Server 10 - {name}
baseurl = https://update.cs2c.com.cn/NS/V10/V10SP3/os/adv/lic/{path}/$basearch/
gpgcheck = 1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-kylin
enabled = {enabled}
""", [{"id": "os", "name": "Os", "path": "base", "enabled": "1"},
      {"id": "updates", "name": "Updates", "path": "updates", "enabled": "1"},
      {"id": "addons", "name": "Addons", "path": "addons", "enabled": "0"}]),
    update_repo="ks10-adv-updates", advisory="KYSA-202302-1009", lvm="klas")

UOS = Distro(
    key="uos-20", hostname="la-gov-uos-01", address="10.10.99.33",
    os_release='PRETTY_NAME="UnionTech OS Server 20"\nNAME="UnionTech OS Server 20"\nVERSION_ID="20"\nVERSION="20"\n'
               'ID="uos"\nPLATFORM_ID="platform:uel20"\nHOME_URL="https://www.chinauos.com/"\n'
               'BUG_REPORT_URL="https://bbs.chinauos.com/"\nVERSION_CODENAME="fuyu"\n',
    release_files={"etc/system-release": "uos release 20 (fuyu)\n",
                   "etc/lsb-release": 'DISTRIB_ID="Uos"\nDISTRIB_RELEASE="20"\n'
                                      'DISTRIB_DESCRIPTION="UnionTech OS Server 20"\nDISTRIB_CODENAME="fuyu"\n'},
    kernel="4.19.90-2211.5.0.0178.22.uel20.x86_64", dist="uel20",
    packages={"bash": "5.0-14", "pam": "1.5.1-5", "audit": "3.0-4", "rsyslog": "8.2006.0-6", "chrony": "3.5-5",
              "authselect": "1.2.1-3", "dnf": "4.2.23-8", "selinux-policy": "3.14.2-70", "sssd-client": "2.2.2-5",
              "uos-release": "20-1050e.7", "kernel": "4.19.90-2211.5.0.0178.22", "sudo": "1.9.2-5"},
    openssl=OpensslBuilds("1.1.1f", "13", "16", "18"),
    repo_file="UnionTechOS.repo",
    repo_text=_repo("""[UnionTechOS-20-{id}]
name = UnionTechOS 20 {id}
baseurl = https://euler-packages.chinauos.com/server-euler/fuyu/1050/{id}/$basearch
enabled = 1
username=$auth_u
password=$auth_p
gpgkey = file:///etc/pki/rpm-gpg/RPM-GPG-KEY-uos-release
gpgcheck = 0
skip_if_unavailable = 1
""", [{"id": "everything"}, {"id": "update"}]),
    update_repo="UnionTechOS-20-update", advisory="UOS-SA-2023-0158", lvm="uos")

LOG_SERVER = "10.10.99.50"

# --- packages -----------------------------------------------------------------------------------------------------

# Packages one variant adds, as "version-release"; the hardened trees' agents come from their vendors' own
# repositories (no dist tag), the insecure trees' services from the distribution's.
_HARDENED_EXTRA = {"wazuh-agent": "4.7.2-1", "clamd": "0.103.9-1"}
_INSECURE_EXTRA = {"telnet-server": "0.17-80", "telnet": "0.17-80", "vsftpd": "3.0.3-33"}


def _packages(distro: Distro, hardened: bool) -> list[Package]:
    openssl = distro.openssl
    table = {**RPM_FAMILY_PACKAGES, **distro.packages, **(_HARDENED_EXTRA if hardened else _INSECURE_EXTRA),
             "openssl": f"{openssl.version}-{openssl.hardened if hardened else openssl.installed}"}
    out = []
    for name, version_release in sorted(table.items()):
        version, release = version_release.rsplit("-", 1)
        if name not in _HARDENED_EXTRA:
            release = f"{release}.{distro.dist}"
        out.append((name, _EPOCHS.get(name, 0), version, release, "noarch" if name in _NOARCH else "x86_64"))
    return out


def _updateinfo(distro: Distro) -> str:
    version, release = distro.openssl.version, f"{distro.openssl.fixed}.{distro.dist}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<updates>
  <update from="{distro.key.split('-')[0]}" type="security" status="stable">
    <id>{distro.advisory}</id>
    <title>An update for openssl is now available</title>
    <severity>High</severity>
    <release>{distro.os_release.split('"')[1]}</release>
    <issued date="2023-02-17"/>
    <references>
      <reference href="https://nvd.nist.gov/vuln/detail/CVE-2023-0286" id="CVE-2023-0286" title="CVE-2023-0286" \
type="cve"/>
    </references>
    <description>X.400 address type confusion in X.509 GeneralName (CVE-2023-0286).</description>
    <pkglist>
      <collection>
        <package name="openssl" arch="x86_64" epoch="1" version="{version}" release="{release}">
          <filename>openssl-{version}-{release}.x86_64.rpm</filename>
        </package>
        <package name="openssl" arch="src" epoch="1" version="{version}" release="{release}">
          <filename>openssl-{version}-{release}.src.rpm</filename>
        </package>
      </collection>
    </pkglist>
  </update>
  <update from="{distro.key.split('-')[0]}" type="bugfix" status="stable">
    <id>{distro.advisory.replace('SA', 'BA')}</id>
    <title>A bugfix update for bash</title>
    <pkglist>
      <collection>
        <package name="bash" arch="x86_64" epoch="0" version="9.9" release="1.{distro.dist}">
          <filename>bash-9.9-1.{distro.dist}.x86_64.rpm</filename>
        </package>
      </collection>
    </pkglist>
  </update>
</updates>
"""


# --- PAM ----------------------------------------------------------------------------------------------------------

def _auth_stack(*, nullok: bool, faillock: str | None, tally2: bool, quality: str, history: str | None,
                hash_: str, generated: bool) -> str:
    """system-auth / password-auth in authselect's sssd-profile layout (the RPM family's shape since RHEL 8)."""
    header = ("# Generated by authselect on Thu Nov 20 02:00:00 2026\n# Do not modify this file manually.\n\n"
              if generated else "#%PAM-1.0\n# User changes will be destroyed the next time authconfig is run.\n")
    null = " nullok" if nullok else ""
    lines = ["auth        required                                     pam_env.so",
             "auth        required                                     pam_faildelay.so delay=2000000"]
    if faillock is not None:
        lines.append(f"auth        required                                     pam_faillock.so preauth{faillock}")
    if tally2:
        lines.append("auth        required                                     pam_tally2.so onerr=fail deny=5 "
                     "unlock_time=900 even_deny_root root_unlock_time=900")
    lines += ["auth        [default=1 ignore=ignore success=ok]         pam_usertype.so isregular",
              "auth        [default=1 ignore=ignore success=ok]         pam_localuser.so",
              f"auth        sufficient                                   pam_unix.so{null} try_first_pass",
              "auth        [default=1 ignore=ignore success=ok]         pam_usertype.so isregular",
              "auth        sufficient                                   pam_sss.so forward_pass"]
    if faillock is not None:
        lines.append(f"auth        required                                     pam_faillock.so authfail{faillock}")
    lines += ["auth        required                                     pam_deny.so", "",
              "account     required                                     pam_unix.so"]
    if faillock is not None:
        lines.append("account     required                                     pam_faillock.so")
    if tally2:
        lines.append("account     required                                     pam_tally2.so")
    lines += ["account     sufficient                                   pam_localuser.so",
              "account     sufficient                                   pam_usertype.so issystem",
              "account     [default=bad success=ok user_unknown=ignore] pam_sss.so",
              "account     required                                     pam_permit.so", "",
              f"password    requisite                                    pam_pwquality.so{quality}"]
    if history is not None:
        lines.append(f"password    requisite                                    pam_pwhistory.so{history}")
    lines += [f"password    sufficient                                   pam_unix.so {hash_} shadow{null} "
              "use_authtok",
              "password    sufficient                                   pam_sss.so use_authtok",
              "password    required                                     pam_deny.so", "",
              "session     optional                                     pam_keyinit.so revoke",
              "session     required                                     pam_limits.so",
              "-session    optional                                     pam_systemd.so",
              "session     [success=1 default=ignore]                   pam_succeed_if.so service in crond quiet "
              "use_uid",
              "session     required                                     pam_unix.so",
              "session     optional                                     pam_sss.so", ""]
    return header + "\n".join(lines)


AUTHSELECT_PROFILE_README = """Enable SSSD for system authentication (also for local users only)
==================================================================

Selecting this profile will enable SSSD as the source of identity
and authentication providers.

AVAILABLE OPTIONAL FEATURES
---------------------------

with-faillock::
    Enable account locking in case of too many consecutive
    authentication failures.

with-pwhistory::
    Enable pam_pwhistory module for local users.

without-nullok::
    Do not add nullok parameter to pam_unix.
"""
AUTHSELECT_PROFILE_SYSTEM_AUTH = """auth        required                                     pam_env.so
auth        required                                     pam_faildelay.so delay=2000000
auth        required                                     pam_faillock.so preauth silent {include if "with-faillock"}
auth        sufficient                                   pam_unix.so {if not "without-nullok":nullok} try_first_pass
auth        sufficient                                   pam_sss.so forward_pass
auth        required                                     pam_faillock.so authfail {include if "with-faillock"}
auth        required                                     pam_deny.so

account     required                                     pam_unix.so
account     required                                     pam_faillock.so {include if "with-faillock"}
account     [default=bad success=ok user_unknown=ignore] pam_sss.so
account     required                                     pam_permit.so

password    requisite                                    pam_pwquality.so local_users_only
password    requisite                                    pam_pwhistory.so use_authtok {include if "with-pwhistory"}
password    sufficient                                   pam_unix.so sha512 shadow {if not "without-nullok":nullok} \
use_authtok
password    sufficient                                   pam_sss.so use_authtok
password    required                                     pam_deny.so

session     optional                                     pam_keyinit.so revoke
session     required                                     pam_limits.so
-session    optional                                     pam_systemd.so
session     required                                     pam_unix.so
session     optional                                     pam_sss.so
"""
SU = """#%PAM-1.0
auth		required	pam_env.so
auth		sufficient	pam_rootok.so
# Uncomment the following line to implicitly trust users in the "wheel" group.
#auth		sufficient	pam_wheel.so trust use_uid
# Uncomment the following line to require a user to be in the "wheel" group.
{wheel}auth		required	pam_wheel.so use_uid
auth		substack	system-auth
auth		include		postlogin
account		sufficient	pam_succeed_if.so uid = 0 use_uid quiet
account		include		system-auth
password	include		system-auth
session		include		system-auth
session		include		postlogin
session		optional	pam_xauth.so
"""
PAM_MODULES = ("pam_env", "pam_faildelay", "pam_faillock", "pam_usertype", "pam_localuser", "pam_unix", "pam_deny",
               "pam_permit", "pam_pwquality", "pam_pwhistory", "pam_keyinit", "pam_limits", "pam_systemd",
               "pam_succeed_if", "pam_sss", "pam_rootok", "pam_wheel", "pam_xauth")


# --- configuration texts --------------------------------------------------------------------------------------------

def _login_defs(max_days: int, umask: str, method: str, min_days: int = 0) -> str:
    return f"""#
# Please note that the parameters in this configuration file control the
# behavior of the tools from the shadow-utils component.
#
MAIL_DIR	/var/spool/mail
# Password aging controls:
#	PASS_MAX_DAYS	Maximum number of days a password may be used.
#	PASS_MIN_DAYS	Minimum number of days allowed between password changes.
#	PASS_WARN_AGE	Number of days warning given before a password expires.
PASS_MAX_DAYS	{max_days}
PASS_MIN_DAYS	{min_days}
PASS_WARN_AGE	7
UID_MIN                  1000
UID_MAX                 60000
SYS_UID_MIN               201
SYS_UID_MAX               999
GID_MIN                  1000
GID_MAX                 60000
CREATE_HOME	yes
# The permission mask is initialized to this value.
UMASK           {umask}
USERGROUPS_ENAB yes
ENCRYPT_METHOD {method}
"""


def _sshd_config(distro: Distro, hardened: bool) -> str:
    common = """#	$OpenBSD: sshd_config,v 1.104 2021/07/02 05:11:21 dtucker Exp $
# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_ed25519_key
SyslogFacility AUTH
LogLevel VERBOSE
PubkeyAuthentication yes
AuthorizedKeysFile	.ssh/authorized_keys
ChallengeResponseAuthentication no
UsePAM yes
PrintMotd no
Subsystem	sftp	/usr/libexec/openssh/sftp-server -l INFO -f AUTH
"""
    if hardened:
        return common + f"""ListenAddress {distro.address}
PermitRootLogin no
PermitEmptyPasswords no
PasswordAuthentication yes
AuthenticationMethods publickey,password
MaxAuthTries 3
LoginGraceTime 60
MaxStartups 10:30:60
MaxSessions 10
ClientAliveInterval 300
ClientAliveCountMax 0
X11Forwarding no
DisableForwarding yes
AllowTcpForwarding no
AllowGroups wheel
Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes128-gcm@openssh.com
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512
"""
    legacy = "HostbasedAuthentication yes\nIgnoreRhosts no\n" if distro is KYLIN else ""  # an rsh-era habit
    return common + legacy + """PermitRootLogin yes
PasswordAuthentication yes
X11Forwarding yes
Ciphers aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc
MACs hmac-sha2-512,hmac-sha2-256,hmac-sha1
"""


AUDITD_CONF = """#
# This file controls the configuration of the audit daemon
#

local_events = yes
write_logs = yes
log_file = /var/log/audit/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 8
num_logs = 5
priority_boost = 4
name_format = NONE
##name = mydomain
max_log_file_action = {max_action}
space_left = 75
space_left_action = {space_action}
verify_email = yes
action_mail_acct = root
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = {full_action}
disk_error_action = SUSPEND
use_libwrap = yes
##tcp_listen_port = 60
tcp_listen_queue = 5
tcp_max_per_addr = 1
##tcp_client_ports = 1024-65535
tcp_client_max_idle = 0
transport = TCP
krb5_principal = auditd
##krb5_key_file = /etc/audit/audit.key
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = /etc/audit/plugins.d
end_of_event_timeout = 2
"""
AUDIT_RULES_SHIPPED = """## First rule - delete all
-D

## Increase the buffers to survive stress events.
## Make this bigger for busy systems
-b 8192

## This determine how long to wait in burst of events
--backlog_wait_time 60000

## Set failure mode to syslog
-f 1

"""
AUDIT_RULES_BASELINE = """## MLPS 8.1.4.3: identity files, privilege scope, administrators' commands
-w /etc/passwd -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/group -p wa -k identity
-w /etc/gshadow -p wa -k identity
-w /etc/security/opasswd -p wa -k identity
-w /etc/sudoers -p wa -k scope
-w /etc/sudoers.d/ -p wa -k scope
-w /var/log/sudo.log -p wa -k actions
-w /etc/selinux/ -p wa -k MAC-policy
-a always,exit -F arch=b64 -S execve -F euid=0 -k rootcmd
-a always,exit -F arch=b32 -S execve -F euid=0 -k rootcmd
-a always,exit -F arch=b64 -S sethostname,setdomainname -k system-locale
"""
AUDIT_RULES_FINALIZE = "## Make the configuration immutable\n-e 2\n"
RSYSLOG_CONF = """# rsyslog configuration file

# For more information see /usr/share/doc/rsyslog-*/rsyslog_conf.html
# or latest version online at http://www.rsyslog.com/doc/rsyslog_conf.html
# If you experience problems, see http://www.rsyslog.com/doc/troubleshoot.html

#### GLOBAL DIRECTIVES ####

# Where to place auxiliary files
global(workDirectory="/var/lib/rsyslog")

# Use default timestamp format
module(load="builtin:omfile" Template="RSYSLOG_TraditionalFileFormat")

#### MODULES ####

module(load="imuxsock" \t  # provides support for local system logging (e.g. via logger command)
       SysSock.Use="off") # Turn off message reception via local log socket;
\t\t\t  # local messages are retrieved through imjournal now.
module(load="imjournal" \t    # provides access to the systemd journal
       StateFile="imjournal.state") # File to store the position in the journal

# Include all config files in /etc/rsyslog.d/
include(file="/etc/rsyslog.d/*.conf" mode="optional")

#### RULES ####

# Log anything (except mail) of level info or higher.
# Don't log private authentication messages!
*.info;mail.none;authpriv.none;cron.none                /var/log/messages

# The authpriv file has restricted access.
authpriv.*                                              /var/log/secure

# Log all the mail messages in one place.
mail.*                                                  -/var/log/maillog

# Log cron stuff
cron.*                                                  /var/log/cron

# Everybody gets emergency messages
*.emerg                                                 :omusrmsg:*

# Save news errors of level crit and higher in a special file.
uucp,news.crit                                          /var/log/spooler

# Save boot messages also to boot.log
local7.*                                                /var/log/boot.log


# ### sample forwarding rule ###
#action(type="omfwd"
# # An on-disk queue is created for this action. If the remote host is
# # down, messages are spooled to disk and sent when it is up again.
#queue.filename="fwdRule1"       # unique name prefix for spool files
#queue.maxDiskSpace="1g"         # 1gb space limit (use as much as possible)
#queue.saveOnShutdown="on"       # save messages to disk on shutdown
#queue.type="LinkedList"         # run asynchronously
#action.resumeRetryCount="-1"    # infinite retries if host is down
# # Remote Logging (we use TCP for reliable delivery)
# # remote_host is: name/ip, e.g. 192.168.0.1, port optional e.g. 10514
#Target="remote_host" Port="XXX" Protocol="tcp")
"""
RSYSLOG_FORWARD = f"""# Forward everything to the city's log servers (MLPS 8.1.4.3 c), 8.1.5.4 d));
# spooled on disk while they are unreachable.
action(type="omfwd"
       target="{LOG_SERVER}" port="514" protocol="tcp"
       queue.type="LinkedList" queue.filename="fwd_central"
       queue.maxDiskSpace="1g" queue.saveOnShutdown="on"
       action.resumeRetryCount="-1")
"""
SELINUX_CONFIG = """
# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
#     permissive - SELinux prints warnings instead of enforcing.
#     disabled - No SELinux policy is loaded.
SELINUX={mode}
# SELINUXTYPE= can take one of these three values:
#     targeted - Targeted processes are protected,
#     minimum - Modification of targeted policy. Only selected processes are protected.
#     mls - Multi Level Security protection.
SELINUXTYPE=targeted

"""
DNF_CONF = """[main]
gpgcheck={gpgcheck}
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
"""
PWQUALITY_CONF = """# Configuration for systemwide password quality limits
# Defaults:
#
# Number of characters in the new password that must not be present in the
# old password.
# difok = 1
#
# Minimum acceptable size for the new password (plus one if
# credits are not disabled which is the default). (See pam_cracklib manual.)
# Cannot be set to lower value than 6.
minlen = {minlen}
#
# The maximum credit for having digits in the new password. If less than 0
# it is the minimum number of digits in the new password.
dcredit = {credit}
ucredit = {credit}
lcredit = {credit}
ocredit = {credit}
#
# The minimum number of required classes of characters for the new
# password (digits, uppercase, lowercase, others).
minclass = {minclass}
#
# Whether to check for the words from the passwd entry GECOS string.
# gecoscheck = 0
#
# Path to the cracklib dictionaries. Default is to use the cracklib default.
# dictpath =
"""
FAILLOCK_CONF = """# Configuration for locking the user after multiple failed
# authentication attempts.
#
# The directory where the user files with the failure records are kept.
# The default is /var/run/faillock.
# dir = /var/run/faillock
#
# Will log the user name into the system log if the user is not found.
# Enabled if option is present.
audit
#
# Don't print informative messages.
# Enabled if option is present.
silent
#
# Deny access if the number of consecutive authentication failures
# for this user during the recent interval exceeds n tries.
# The default is 3.
deny = {deny}
#
# The length of the interval during which the consecutive
# authentication failures must happen for the user account
# lock out is <replaceable>n</replaceable> seconds.
# The default is 900 (15 minutes).
fail_interval = 900
#
# The access will be re-enabled after n seconds after the lock out.
# The value 0 has the same meaning as value `never` - the access
# will not be re-enabled without resetting the faillock
# entries by the `faillock` command.
# The default is 600 (10 minutes).
unlock_time = 900
#
# Root account can become locked as well as regular accounts.
# Enabled if option is present.
{even_deny_root}even_deny_root
"""

IFCFG_ETH1 = """TYPE=Ethernet
PROXY_METHOD=none
BROWSER_ONLY=no
BOOTPROTO=none
DEFROUTE=no
IPV4_FAILURE_FATAL=no
IPV6INIT=no
NAME=eth1
UUID=8f1c4a9e-2b7d-4f57-9d53-61a2f3b0c4e1
DEVICE=eth1
ONBOOT=yes
IPADDR=10.20.31.11
PREFIX=24
ZONE={zone}
"""
NM_KEYFILE = """[connection]
id=eth1
uuid=8f1c4a9e-2b7d-4f57-9d53-61a2f3b0c4e1
type=ethernet
interface-name=eth1
zone={zone}

[ethernet]

[ipv4]
address1=10.20.31.11/24
method=manual

[ipv6]
addr-gen-mode=default
method=disabled

[proxy]
"""

# --- firewalld ------------------------------------------------------------------------------------------------------

_ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone{target}>\n  <short>{short}</short>\n  <description>{desc}' \
        '</description>\n{body}  <forward/>\n</zone>\n'
SHIPPED_ZONES = {
    "public": ("", "Public", "For use in public areas. You do not trust the other computers on networks to not harm "
               "your computer. Only selected incoming connections are accepted.", ["ssh", "mdns", "dhcpv6-client"]),
    "trusted": (' target="ACCEPT"', "Trusted", "All network connections are accepted.", []),
    "drop": (' target="DROP"', "Drop", "Any incoming network packets are dropped, there is no reply. Only outgoing "
             "network connections are possible.", []),
    "block": (' target="%%REJECT%%"', "Block", "Any incoming network connections are rejected with an "
              "icmp-host-prohibited message for IPv4 and icmp6-adm-prohibited for IPv6. Only network connections "
              "initiated within this system are possible.", []),
}
SHIPPED_SERVICES = {"ssh": ("SSH", "tcp", "22"), "mdns": ("mDNS", "udp", "5353"),
                    "dhcpv6-client": ("DHCPv6 Client", "udp", "546"), "telnet": ("Telnet", "tcp", "23"),
                    "ftp": ("FTP", "tcp", "21"), "https": ("Secure WWW (HTTPS)", "tcp", "443")}


def _zone(name: str, services: list[str], *, target: str = "", interfaces: tuple[str, ...] = (),
          sources: tuple[str, ...] = ()) -> str:
    _, short, desc, _ = SHIPPED_ZONES[name]
    body = "".join(f'  <interface name="{i}"/>\n' for i in interfaces)
    body += "".join(f'  <source address="{s}"/>\n' for s in sources)
    body += "".join(f'  <service name="{s}"/>\n' for s in services)
    return _ZONE.format(target=target, short=short, desc=desc, body=body)


def _firewalld_files() -> dict[str, str]:
    files = {f"usr/lib/firewalld/zones/{n}.xml": _zone(n, s, target=t) for n, (t, _, _, s) in SHIPPED_ZONES.items()}
    for name, (short, proto, port) in SHIPPED_SERVICES.items():
        files[f"usr/lib/firewalld/services/{name}.xml"] = (
            f'<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>{short}</short>\n'
            f'  <port protocol="{proto}" port="{port}"/>\n</service>\n')
    files["etc/firewalld/firewalld.conf"] = ("# firewalld config file\n\n# default zone\n# The default zone used if "
                                             "an empty zone string is used.\n# Default: public\nDefaultZone=public\n\n"
                                             "# Firewall backend\nFirewallBackend=nftables\n")
    files["usr/sbin/firewalld"] = ""
    return files


# --- live state (/proc, /sys) ---------------------------------------------------------------------------------------

def _hex_ipv4(address: str) -> str:
    return "".join(f"{int(octet):02X}" for octet in reversed(address.split(".")))


def _proc(processes: dict[int, str], sockets: list[tuple[str, str, int, int]]) -> tuple[dict[str, str],
                                                                                       dict[str, str]]:
    """/proc/<pid>/comm, /proc/net/{tcp,udp} (listening sockets) and each owner's fd link to its socket."""
    files = {f"proc/{pid}/comm": f"{name}\n" for pid, name in processes.items()}
    links: dict[str, str] = {}
    header = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
    tables = {"tcp": header, "udp": header.replace("  sl", "   sl")}
    for number, (proto, address, port, pid) in enumerate(sockets):
        inode = 21800 + number
        state = "0A" if proto == "tcp" else "07"
        tables[proto] += (f"{number:4d}: {_hex_ipv4(address)}:{port:04X} 00000000:0000 {state} 00000000:00000000 "
                          f"00:00000000 00000000     0        0 {inode} 1 0000000000000000 100 0 0 10 0\n")
        links[f"proc/{pid}/fd/{number + 3}"] = f"socket:[{inode}]"
    files["proc/net/tcp"], files["proc/net/udp"] = tables["tcp"], tables["udp"]
    files["proc/net/tcp6"] = files["proc/net/udp6"] = header
    return files, links


SYSCTL_HARDENED = {
    "net.ipv4.ip_forward": "0", "net.ipv4.conf.all.accept_redirects": "0",
    "net.ipv4.conf.default.accept_redirects": "0", "net.ipv4.conf.all.secure_redirects": "0",
    "net.ipv4.conf.all.send_redirects": "0", "net.ipv4.conf.default.send_redirects": "0",
    "net.ipv4.conf.all.accept_source_route": "0", "net.ipv4.conf.default.accept_source_route": "0",
    "net.ipv4.conf.all.rp_filter": "1", "net.ipv4.conf.all.log_martians": "1",
    "net.ipv4.icmp_echo_ignore_broadcasts": "1", "net.ipv4.icmp_ignore_bogus_error_responses": "1",
    "net.ipv4.tcp_syncookies": "1", "net.ipv6.conf.all.accept_redirects": "0", "net.ipv6.conf.all.accept_ra": "0",
    "net.ipv6.conf.all.forwarding": "0", "kernel.randomize_va_space": "2", "kernel.dmesg_restrict": "1",
    "kernel.kptr_restrict": "1", "kernel.yama.ptrace_scope": "1", "kernel.sysrq": "0", "fs.suid_dumpable": "0",
    "fs.protected_hardlinks": "1", "fs.protected_symlinks": "1",
}
# What the kernels of these distributions boot with when nothing is set in /etc/sysctl.d.
SYSCTL_SHIPPED = {**SYSCTL_HARDENED, "net.ipv4.conf.all.accept_redirects": "1",
                  "net.ipv4.conf.default.accept_redirects": "1", "net.ipv4.conf.all.secure_redirects": "1",
                  "net.ipv4.conf.all.send_redirects": "1", "net.ipv4.conf.default.send_redirects": "1",
                  "net.ipv4.conf.all.rp_filter": "0", "net.ipv4.conf.all.log_martians": "0",
                  "net.ipv6.conf.all.accept_redirects": "1", "net.ipv6.conf.all.accept_ra": "1",
                  "kernel.dmesg_restrict": "0", "kernel.kptr_restrict": "0", "kernel.yama.ptrace_scope": "0",
                  "kernel.sysrq": "16"}


def _sysctl_files(values: dict[str, str]) -> dict[str, str]:
    return {"proc/sys/" + key.replace(".", "/"): f"{value}\n" for key, value in values.items()}


PASSWD = """root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
games:x:12:100:games:/usr/games:/sbin/nologin
ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin
nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin
systemd-coredump:x:999:997:systemd Core Dumper:/:/sbin/nologin
dbus:x:81:81:System message bus:/:/sbin/nologin
tss:x:59:59:Account used for TPM access:/dev/null:/sbin/nologin
polkitd:x:998:996:User for polkitd:/:/sbin/nologin
sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin
chrony:x:997:995::/var/lib/chrony:/sbin/nologin
opsadmin:x:1000:1000:city ops administrator:/home/opsadmin:/bin/bash
"""
SHADOW_HASH = "$6$rounds=5000$Yw0bnb9QxVu6$0S7cB9G2ex2cQmS5I6oFzq0mQ8Jd0cG7H1Yb0dN2m3wJ8kL5pT1oS4rU6vX9yZ2aB3cD4eF5gH6"


def _shadow(passwd: str, empty: tuple[str, ...] = ()) -> str:
    lines = []
    for line in passwd.splitlines():
        name = line.split(":", 1)[0]
        field_ = "" if name in empty else SHADOW_HASH if name in ("root", "opsadmin", "sysadm") else "!!"
        lines.append(f"{name}:{field_}:19700:0:99999:7:::")
    return "\n".join(lines) + "\n"


# --- assembling a tree ----------------------------------------------------------------------------------------------

def _enabled(*units: str) -> dict[str, str]:
    """The links `systemctl enable` makes for ``units`` (all wanted by multi-user.target)."""
    return {f"etc/systemd/system/multi-user.target.wants/{unit}.service": f"/usr/lib/systemd/system/{unit}.service"
            for unit in units}


def _base(distro: Distro, hardened: bool) -> Tree:
    files: dict[str, str] = {
        "etc/os-release": distro.os_release, **distro.release_files,
        "etc/hostname": distro.hostname + "\n",
        "proc/sys/kernel/osrelease": distro.kernel + "\n",
        f"etc/yum.repos.d/{distro.repo_file}": distro.repo_text,
        "etc/dnf/dnf.conf": DNF_CONF.format(gpgcheck=1),
        "etc/ssh/sshd_config": _sshd_config(distro, hardened),
        "etc/audit/rules.d/audit.rules": AUDIT_RULES_SHIPPED,
        "etc/rsyslog.conf": RSYSLOG_CONF,
        "etc/rsyslog.d/listen.conf": "$SystemLogSocketName /run/systemd/journal/syslog\n",
        "etc/crypto-policies/config": "DEFAULT\n", "etc/crypto-policies/state/current": "DEFAULT\n",
        "etc/security/pwquality.conf": PWQUALITY_CONF.format(minlen=8, credit=0, minclass=0),
        "etc/pam.d/su": SU.format(wheel="" if hardened else "#"),
        "etc/passwd": PASSWD, "etc/shadow": _shadow(PASSWD),
        "etc/profile.d/lang.sh": "# /etc/profile.d/lang.sh - exports environment variables, and provides fallback\n",
        "usr/sbin/sshd": "", "usr/sbin/auditd": "", "usr/sbin/chronyd": "", "usr/sbin/rsyslogd": "",
        f"var/cache/dnf/{distro.update_repo}-6f5a1d8c0c1f2e3b/repodata/"
        f"5c1e0a6ba4a9e0a2d7d7f95c3b0d45f4b4a2b1c1f3f4e4d58f0d6a2f4e2d7c11-updateinfo.xml.gz": _updateinfo(distro),
        **{f"usr/lib64/security/{m}.so": "" for m in PAM_MODULES},
        **_firewalld_files(),
    }
    if distro.authselect:
        files["usr/bin/authselect"] = ""
        files["usr/share/authselect/default/sssd/README"] = AUTHSELECT_PROFILE_README
        files["usr/share/authselect/default/sssd/system-auth"] = AUTHSELECT_PROFILE_SYSTEM_AUTH
        files["usr/share/authselect/default/sssd/password-auth"] = AUTHSELECT_PROFILE_SYSTEM_AUTH
    links = _enabled("sshd", "auditd", "chronyd", "rsyslog", "crond")
    return Tree(files=files, links=links, packages=_packages(distro, hardened), rpmdb_path=distro.rpmdb_path)


def _cmdline(distro: Distro, audit: bool) -> str:
    extra = " audit=1 audit_backlog_limit=8192" if audit else ""
    return (f"BOOT_IMAGE=/vmlinuz-{distro.kernel} root=/dev/mapper/{distro.lvm}-root ro "
            f"rd.lvm.lv={distro.lvm}/root rd.lvm.lv={distro.lvm}/swap crashkernel=512M{extra}\n")


def _pam(tree: Tree, distro: Distro, stack: str, *, authselect_features: list[str] | None) -> None:
    """The stack as the two PAM files: authselect's links into /etc/authselect, or plain files."""
    if distro.authselect and authselect_features is not None:
        tree.files["etc/authselect/authselect.conf"] = "sssd\n" + "".join(f"{f}\n" for f in authselect_features)
        for name in ("system-auth", "password-auth"):
            tree.files[f"etc/authselect/{name}"] = stack
            tree.links[f"etc/pam.d/{name}"] = f"/etc/authselect/{name}"
    else:
        tree.files["etc/pam.d/system-auth"] = tree.files["etc/pam.d/password-auth"] = stack


def hardened(distro: Distro) -> Tree:
    tree = _base(distro, hardened=True)
    stack = _auth_stack(nullok=False, faillock="", tally2=False, quality=" local_users_only", history=" use_authtok",
                        hash_="sha512", generated=distro.authselect)
    _pam(tree, distro, stack, authselect_features=["with-faillock", "with-pwhistory", "without-nullok"])
    tree.files.update({
        "etc/login.defs": _login_defs(90, "027", "SHA512", min_days=1),
        "etc/security/faillock.conf": FAILLOCK_CONF.format(deny=5, even_deny_root=""),
        "etc/security/pwquality.conf": PWQUALITY_CONF.format(minlen=12, credit=-1, minclass=3),
        "etc/security/pwhistory.conf": "# Number of old passwords to remember.\nremember = 5\nenforce_for_root\n",
        "etc/profile.d/tmout.sh": "# MLPS 8.1.4.1 b): idle shells end after 10 minutes\nTMOUT=600\nreadonly TMOUT\n"
                                  "export TMOUT\n",
        "etc/audit/auditd.conf": AUDITD_CONF.format(max_action="KEEP_LOGS", space_action="EMAIL",
                                                    full_action="HALT"),
        "etc/audit/rules.d/50-mlps.rules": AUDIT_RULES_BASELINE,
        "etc/audit/rules.d/99-finalize.rules": AUDIT_RULES_FINALIZE,
        "etc/audit/audit.rules": "## This file is automatically generated from /etc/audit/rules.d\n"
                                 + AUDIT_RULES_SHIPPED + AUDIT_RULES_BASELINE + AUDIT_RULES_FINALIZE,
        "etc/rsyslog.d/90-forward.conf": RSYSLOG_FORWARD,
        "etc/selinux/config": SELINUX_CONFIG.format(mode="enforcing"),
        "sys/fs/selinux/enforce": "1",
        "etc/firewalld/zones/public.xml": _zone("public", ["ssh"], interfaces=("eth0",)),
        # eth1 (the storage network) dropped through NetworkManager, as `nmcli connection modify eth1
        # connection.zone drop` writes it
        "etc/NetworkManager/system-connections/eth1.nmconnection": NM_KEYFILE.format(zone="drop"),
        "etc/sysctl.d/90-mlps.conf": "".join(f"{k} = {v}\n" for k, v in SYSCTL_HARDENED.items()),
        **_sysctl_files(SYSCTL_HARDENED),
        "proc/cmdline": _cmdline(distro, audit=True),
        "usr/sbin/clamd": "", "var/ossec/bin/wazuh-agentd": "",
    })
    tree.files[f"etc/yum.repos.d/{distro.repo_file}"] = distro.repo_text.replace("gpgcheck = 0", "gpgcheck = 1")
    tree.links.update(_enabled("firewalld"))
    processes = {1: "systemd", 612: "auditd", 640: "rsyslogd", 702: "chronyd", 735: "firewalld", 812: "sshd",
                 830: "crond", 901: "wazuh-agentd", 930: "clamd"}
    files, links = _proc(processes, [("tcp", distro.address, 22, 812), ("udp", "127.0.0.1", 323, 702)])
    tree.files.update(files)
    tree.links.update(links)
    return tree


def insecure(distro: Distro) -> Tree:
    """Each distribution's tree holds a different set of mistakes, so together they exercise every host rule."""
    tree = _base(distro, hardened=False)
    tree.files.update({
        "etc/audit/auditd.conf": AUDITD_CONF.format(max_action="ROTATE", space_action="SYSLOG", full_action="SUSPEND"),
        "proc/cmdline": _cmdline(distro, audit=False),
        "etc/sysctl.d/99-sysctl.conf": "# sysctl settings are defined through files in\n"
                                       "# /usr/lib/sysctl.d/, /run/sysctl.d/, and /etc/sysctl.d/.\n",
        **_sysctl_files(SYSCTL_SHIPPED),
        "etc/security/faillock.conf": FAILLOCK_CONF.format(deny=3, even_deny_root="# "),
    })
    processes = {1: "systemd", 612: "auditd", 640: "rsyslogd", 702: "chronyd", 812: "sshd", 830: "crond"}
    sockets = [("tcp", "0.0.0.0", 22, 812), ("tcp", "0.0.0.0", 23, 1), ("tcp", "0.0.0.0", 21, 850),
               ("udp", "127.0.0.1", 323, 702)]
    if distro is OPENEULER:
        # authselect still manages the files, but without its hardening features; firewalld trusts the service LAN.
        stack = _auth_stack(nullok=True, faillock=None, tally2=False, quality=" try_first_pass local_users_only",
                            history=None, hash_="sha512", generated=True)
        _pam(tree, distro, stack, authselect_features=[])
        tree.files.update({
            "etc/login.defs": _login_defs(99999, "022", "SHA512"),
            "etc/crypto-policies/config": "LEGACY\n", "etc/crypto-policies/state/current": "LEGACY\n",
            "etc/selinux/config": SELINUX_CONFIG.format(mode="permissive"), "sys/fs/selinux/enforce": "0",
            "etc/firewalld/zones/public.xml": _zone("public", ["ssh", "telnet", "ftp"]),
            "etc/sysconfig/network-scripts/ifcfg-eth1": IFCFG_ETH1.format(zone="trusted"),
        })
        tree.links.update(_enabled("firewalld"))
        processes[735] = "firewalld"
    elif distro is KYLIN:
        # A CentOS 7 hardening script's pam_tally2 (gone since Linux-PAM 1.5), md5 hashes, firewalld switched off,
        # a second UID 0 account, SELinux disabled.
        stack = _auth_stack(nullok=True, faillock=None, tally2=True, quality=" try_first_pass minlen=8 minclass=3",
                            history=" use_authtok remember=3", hash_="md5", generated=False)
        _pam(tree, distro, stack, authselect_features=None)
        passwd = PASSWD + "sysadm:x:0:0:legacy administrator:/root:/bin/bash\n"
        tree.files.update({
            "etc/login.defs": _login_defs(180, "022", "MD5"),
            "etc/passwd": passwd, "etc/shadow": _shadow(passwd),
            "etc/selinux/config": SELINUX_CONFIG.format(mode="disabled"),
            "etc/dnf/dnf.conf": DNF_CONF.format(gpgcheck=0),
        })
    else:
        # authselect profile selected, then system-auth edited by hand (the next apply-changes drops it); repositories
        # as UOS ships them (gpgcheck = 0); SELinux enforcing now but permissive after the next boot.
        stack = _auth_stack(nullok=True, faillock=" deny=0", tally2=False, quality=" try_first_pass minlen=6",
                            history=" use_authtok remember=5", hash_="sha512", generated=True)
        tree.files["etc/authselect/authselect.conf"] = "sssd\nwith-faillock\n"
        tree.files["etc/authselect/system-auth"] = tree.files["etc/authselect/password-auth"] = stack
        tree.files["etc/pam.d/system-auth"] = tree.files["etc/pam.d/password-auth"] = stack
        passwd = PASSWD.replace("games:x:12:100:games:/usr/games:/sbin/nologin", "games:x:12:100:games:/usr/games:"
                                "/bin/bash") + "guest:x:1001:1001::/home/guest:/bin/bash\n"
        tree.files.update({
            "etc/login.defs": _login_defs(99999, "022", "SHA512"),
            "etc/passwd": passwd, "etc/shadow": _shadow(passwd, empty=("guest",)),
            "etc/selinux/config": SELINUX_CONFIG.format(mode="permissive"), "sys/fs/selinux/enforce": "1",
            "etc/firewalld/zones/public.xml": _zone("public", ["ssh", "mdns", "dhcpv6-client"],
                                                    target=' target="ACCEPT"'),
        })
        tree.links.update(_enabled("firewalld", "avahi-daemon"))
        processes[735] = "firewalld"
        processes[760] = "avahi-daemon"
    processes[850] = "vsftpd"
    files, links = _proc(processes, sockets)
    tree.files.update(files)
    tree.links.update(links)
    return tree


OSES: dict[str, Tree] = {}
for _distro in (OPENEULER, KYLIN, UOS):
    OSES[f"{_distro.key}-hardened"] = hardened(_distro)
    OSES[f"{_distro.key}-insecure"] = insecure(_distro)
