"""``DeviceConfig``: a Pulumi dynamic resource whose provider configures one network device over SSH.

* ``diff``: read the running configuration and compute the remediation towards the intent; a non-empty
  remediation is a change (so ``pulumi preview`` shows every device that drifted, even when the intent did not
  change);
* ``create`` / ``update``: push the remediation and save, verified and rolled back on failure (``net apply`` for
  this one device);
* ``read`` (``pulumi refresh``): collect the running configuration; the outputs record how far it is from the
  intent;
* ``delete``: nothing is sent. Removing a device's configuration would remove its management address, its
  administrators and its SSH service: the device would be cut off from the network and from every later run.
  A device leaving the topology is decommissioned by hand.

Inputs (see :class:`infra.components.network_devices.NetworkDevicesArgs`) and outputs hold no secret. The
passwords and keys a push needs are read inside the provider, at run time, from the environment of the process
running Pulumi (``YUNWANG_DEVICE_*`` / ``YUNWANG_SNMP_*``, or their ``…_FILE``), as ``yunwang net apply`` reads them.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

REQUIRED_INPUTS = ("device", "stack", "topology", "address", "config_sha256")


class DeviceConfigProvider(ResourceProvider):
    """The CRUD of one device's configuration; a plain object, so tests call it directly."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        from infra.network.device_state import check_inputs

        failures = [CheckFailure(key, reason) for key, reason in check_inputs(news, REQUIRED_INPUTS)]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        from infra.network.device_state import plan_device

        planned = plan_device(news)
        changed = bool(planned.drift_lines) or olds.get("address") != news.get("address")
        return DiffResult(changes=changed, replaces=[], stables=["device"], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        from infra.network.device_state import apply_device

        return CreateResult(str(props["device"]), {**props, **apply_device(props).outputs()})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from infra.network.device_state import apply_device

        return UpdateResult({**news, **apply_device(news).outputs()})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from infra.network.device_state import plan_device

        return ReadResult(id_, {**props, **plan_device(props).outputs()})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to do: see the module's docstring (removing the configuration would cut the device off)."""


class DeviceConfig(Resource, module="yunwang", name="DeviceConfig"):
    """One network device's configuration (type ``pulumi-python:dynamic/yunwang:DeviceConfig``)."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = {"drift_lines": None, "collected_at": None, "applied_lines": None}
        super().__init__(DeviceConfigProvider(), name, {**props, **outputs}, opts)
