"""Simulated SSH devices of every dialect, built from the dev stack plus a Cisco router: helpers for the tests."""

from __future__ import annotations

from agents.sim.ssh.accounts import LoginAccount
from agents.sim.ssh.device import Frame, SimDevice
from yunwang.topology import Device, Topology

PASSWORD = "Sim-Test-Pw1"
ACCOUNT = LoginAccount("sysadmin", PASSWORD)
CISCO = Device(name="luan-rt-9", role="router", vendor="cisco", model="ISR4451-X", region="luan",  # type: ignore[arg-type]
               mgmt="10.34.0.99", interfaces=4, snmp="v3-core")  # type: ignore[arg-type]
BY_DIALECT = {"vrp": "luan-acc-1", "vrp-usg": "luan-fw-1", "comware": "luan-core-1", "rgos": "jinan-acc-2",
              "ios": "luan-rt-9"}


def device_named(topo: Topology, name: str) -> Device:
    return CISCO if name == CISCO.name else topo.device_by_name[name]


class Terminal:
    """Type commands at a device as a logged-in administrator would; keeps the mode stack between lines."""

    def __init__(self, device: SimDevice, user: str = "sysadmin"):
        self.device = device
        self.user = user
        self.stack: list[Frame] = device.login_frames(user)

    @property
    def prompt(self) -> str:
        return self.device.prompt(self.stack)

    def __call__(self, line: str) -> str:
        return self.device.execute(self.stack, line, self.user).output
