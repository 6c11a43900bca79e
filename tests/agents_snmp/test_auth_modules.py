"""Credentials (env, files, auths YAML), USM key derivation and module loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.snmp import ber, usm
from agents.snmp.auth import AuthResolver, Credentials, UnknownAuth, credentials_from_profile, load_auths
from agents.snmp.errors import UnknownModuleError
from agents.snmp.modules import builtin_modules, load_module_file, plan_for
from yunwang.errors import InputError
from yunwang.topology import SnmpProfile


def test_rfc3414_key_localization_vectors() -> None:
    """RFC 3414 A.3: password "maplesyrup", engine ID 00…02."""
    engine = bytes.fromhex("000000000000000000000002")
    assert usm.password_to_key(b"maplesyrup", "SHA").hex() == "9fb5cc0381497b3793528939ff788d5d79145211"
    assert usm.localize_key(b"maplesyrup", "SHA", engine).hex() == "6695febc9288e36282235fc7151f128497b38f3f"
    assert usm.localize_key(b"maplesyrup", "MD5", engine).hex() == "526f5eed9fcce26f8964c2930787d82b"


def test_v3_message_round_trip_signs_and_encrypts() -> None:
    keys = usm.localized_keys("SHA-256", b"auth-pass", "AES-256", b"priv-pass", b"\x80\x00\x1f\x88\x04engine")
    pdu = ber.encode_pdu(ber.GET, 7, ber.encode_varbind(ber.oid_from_text("1.3.6.1.2.1.1.5.0")))
    message = usm.encode_v3_message(7, usm.FLAG_AUTH | usm.FLAG_PRIV, b"engine", 3, 1000, b"user", keys, b"engine",
                                    b"", pdu)
    decoded = usm.decode_v3_message(message)
    assert usm.verify(keys, message, decoded)
    assert b"\x2b\x06\x01\x02\x01\x01\x05" not in message  # the OID is encrypted
    plain = usm.decrypt(keys, decoded.boots, decoded.engine_time, decoded.priv_params, decoded.data)
    assert usm.decode_scoped_pdu(plain)[2].request_id == 7
    tampered = message[:-1] + bytes([message[-1] ^ 1])
    assert not usm.verify(keys, tampered, usm.decode_v3_message(tampered))


def test_profile_secrets_from_env_and_files(tmp_path: Path) -> None:
    profile = SnmpProfile(name="v3-core", version="3", username="yw", security_level="authPriv",
                          auth_protocol="SHA-256", priv_protocol="AES-128")
    key_file = tmp_path / "priv"
    key_file.write_text("from-a-file\n")
    creds = credentials_from_profile(profile, {"YUNWANG_SNMP_V3_CORE_AUTH_KEY": "from-env",
                                               "YUNWANG_SNMP_V3_CORE_PRIV_KEY_FILE": str(key_file)})
    assert (creds.auth_password, creds.priv_password) == (b"from-env", b"from-a-file")
    assert (creds.auth_protocol, creds.priv_protocol, creds.username) == ("SHA-256", "AES-128", b"yw")
    assert "from-env" not in repr(creds) and "from-a-file" not in str(creds)
    with pytest.raises(InputError, match="YUNWANG_SNMP_V3_CORE_PRIV_KEY"):
        credentials_from_profile(profile, {"YUNWANG_SNMP_V3_CORE_AUTH_KEY": "x"})
    v2 = SnmpProfile(name="lab-v2", version="2c")
    assert credentials_from_profile(v2, {"YUNWANG_SNMP_LAB_V2_COMMUNITY": "c0mm"}).community == b"c0mm"


def test_auths_file_in_snmp_exporter_format(tmp_path: Path) -> None:
    path = tmp_path / "auths.yml"
    path.write_text("auths:\n  public_v1:\n    version: 1\n  core:\n    version: 3\n    username: yw\n"
                    "    security_level: authPriv\n    password: p1\n    auth_protocol: SHA256\n"
                    "    priv_protocol: AES256\n    priv_password: p2\n")
    auths = load_auths(path)
    assert auths["public_v1"].version == "1" and auths["public_v1"].community == b"public"
    assert (auths["core"].auth_protocol, auths["core"].priv_protocol) == ("SHA-256", "AES-256")
    resolver = AuthResolver(auths)
    assert resolver.resolve("public_v2").community == b"public"  # built-in, as in snmp_exporter
    with pytest.raises(UnknownAuth, match="known: core, public_v1, public_v2"):
        resolver.resolve("other")


def test_bad_auths_file_points_at_the_line(tmp_path: Path) -> None:
    path = tmp_path / "auths.yml"
    path.write_text("auths:\n  core:\n    version: 3\n    username: yw\n    security_level: authPriv\n"
                    "    password: p1\n    auth_protocol: SHA999\n    priv_password: p2\n")
    with pytest.raises(InputError) as info:
        load_auths(path)
    problem = info.value.problems[0]
    assert problem.line == 7 and problem.value == "SHA999" and "auth_protocol" in problem.path


def test_builtin_modules_cover_the_inventory() -> None:
    modules = builtin_modules()
    assert {"system", "if_mib", "host_resources", "entity", "lldp", "huawei_entity", "h3c_entity"} <= set(modules)
    if_mib = {m.name: m for m in modules["if_mib"].metrics}
    assert if_mib["ifHCInOctets"].type == "counter"
    assert [lk.labelname for lk in if_mib["ifHCInOctets"].lookups] == ["ifAlias", "ifDescr", "ifName"]
    huawei = {m.name: ber.oid_text(m.oid) for m in modules["huawei_entity"].metrics}
    assert huawei["hwEntityTemperature"] == "1.3.6.1.4.1.2011.5.25.31.1.1.1.1.11"
    h3c = {m.name: ber.oid_text(m.oid) for m in modules["h3c_entity"].metrics}
    assert h3c["hh3cEntityExtCpuUsage"] == "1.3.6.1.4.1.25506.2.6.1.1.1.1.6"
    plan = plan_for(["entity", "huawei_entity"], modules)
    assert ber.oid_from_text("1.3.6.1.2.1.47.1.1.1.1.7") not in plan.walk  # inside the entPhysicalTable walk


def test_unknown_module_is_named_with_the_known_ones() -> None:
    modules = builtin_modules()
    with pytest.raises(UnknownModuleError) as info:
        plan_for(["system", "if_mibb", "lldpp"], modules)
    error = info.value
    assert not isinstance(error, KeyError)  # its text is the message, not a quoted key
    assert error.names == ("if_mibb", "lldpp") and error.value == "if_mibb" and error.field == "modules"
    assert str(error).startswith("unknown modules 'if_mibb', 'lldpp'; known: entity, h3c_entity,")
    assert "if_mib" in error.known and "--modules" in error.hint


def test_snmp_exporter_021_config_loads_and_bad_oid_is_located(tmp_path: Path) -> None:
    old = tmp_path / "snmp.yml"
    old.write_text("my_mod:\n  walk: [1.3.6.1.2.1.2]\n  version: 2\n  auth: {community: x}\n  metrics:\n"
                   "  - name: ifMtu\n    oid: 1.3.6.1.2.1.2.2.1.4\n    type: gauge\n"
                   "    indexes: [{labelname: ifIndex, type: gauge}]\n")
    assert load_module_file(old)["my_mod"].metrics[0].name == "ifMtu"
    bad = tmp_path / "bad.yml"
    bad.write_text("modules:\n  m:\n    walk:\n    - 1.3.6.1.2.1.2\n    - IF-MIB::ifXTable\n")
    with pytest.raises(InputError) as info:
        load_module_file(bad)
    assert info.value.problems[0].line == 5 and "numeric" in info.value.problems[0].message


def test_credentials_repr_never_shows_secrets() -> None:
    creds = Credentials("c", "2c", b"s3cret-community")
    assert "s3cret" not in repr(creds) and "s3cret" not in f"{creds}"
    resolver = AuthResolver({"c": creds}, {}, {"YUNWANG_SNMP_X_AUTH_KEY": "s3cret-key"})
    resolver.resolve("c")
    assert "s3cret" not in repr(resolver)
