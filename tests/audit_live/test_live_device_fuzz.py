"""Whatever text arrives, the device reader either parses it or says why not, and no rule crashes on the result."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.devices.registry import vendor_choices
from policies.engine import load_rules, rules_for
from policies.facts_device import DeviceInputError, parse_device_config

# Lines made of real command words, so the fuzzer reaches the readers instead of stopping at detection.
WORDS = ["#", "!", "return", "end", "sysname", "hostname", "interface", "acl", "rule", "permit", "deny", "ip",
         "any", "snmp-agent", "snmp-server", "community", "read", "write", "RW", "group", "v3", "usm-user",
         "local-user", "username", "password", "secret", "simple", "7", "0", "line", "user-interface", "vty",
         "con", "class", "idle-timeout", "exec-timeout", "authentication-mode", "protocol", "inbound",
         "transport", "input", "telnet", "ssh", "header", "banner", "motd", "^C", "%", '"', "10.0.0.1",
         "access-class", "traffic-filter", "packet-filter", "security-policy", "default", "action", "zone",
         "security", "firewall", "wlan", "service-template", "dot11", "info-center", "loghost", "ntp-service",
         "unicast-server", "version", "17.3", "2000", "3000", "name", "x", "enable", "service", "telnet-server",
         "web-server", "no", "webmaster", "level", "wlansec", "rmon", "alarm", "GigabitEthernet", "0/1", "switchport"]
line = st.tuples(st.integers(0, 3), st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)).map(
    lambda t: " " * t[0] + " ".join(t[1]))
frame = st.sampled_from([("#\nsysname F\n#\n", "\n#\nreturn\n"), ("!\nhostname F\n!\n", "\n!\nend\n"), ("", "")])
config_text = st.builds(lambda f, body: f[0] + body + f[1], frame, st.lists(line, max_size=40).map("\n".join)) | \
    st.text(max_size=300)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=config_text, vendor=st.sampled_from(vendor_choices()))
def test_reader_and_rules_never_crash(text: str, vendor: str) -> None:
    load_rules()
    try:
        config = parse_device_config(text, "fuzz.cfg", vendor)  # type: ignore[arg-type]
    except DeviceInputError as exc:
        assert "fuzz.cfg" in str(exc)
        return
    for r in rules_for("device"):
        for violation in r.check(config):
            assert violation.target.file == "fuzz.cfg"
            assert violation.target.line is None or 1 <= violation.target.line <= text.count("\n") + 1
