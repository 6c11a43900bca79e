"""A simulated device is ready when it answers: the SNMPv3 discovery probe tells a served port from a bound but
silent one (a process still starting, or stopped) and from one nobody holds."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from agents.sim.mibview import Clock, MibView
from agents.sim.readiness import discovery_request, unanswered
from agents.sim.responder import DeviceAgent, engine_id_for, new_salt
from agents.snmp import ber, usm

HOST = "127.0.0.1"


@pytest.fixture()
def v2c_device() -> Iterator[int]:
    """A v2c-only device of the fast simulator, answering on its own thread: even it reports to a discovery."""
    agent = DeviceAgent(MibView.parse("1.3.6.1.2.1.1.5.0|4|core-1\n"), Clock(), engine_id_for(1, new_salt()),
                         community=b"c")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    sock.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(65535)
            except TimeoutError:
                continue
            reply = agent.answer(data)
            if reply is not None:
                sock.sendto(reply, peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    sock.close()


def test_only_a_port_that_answers_is_ready(v2c_device: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as gone:
        silent.bind((HOST, 0))
        gone.bind((HOST, 0))
        nobody = gone.getsockname()[1]
        gone.close()
        ports = [v2c_device, silent.getsockname()[1], nobody]
        assert unanswered(HOST, ports, 1.0) == sorted(ports[1:])
        assert unanswered(HOST, [v2c_device], 1.0) == []


def test_the_probe_is_a_reportable_discovery_without_secrets() -> None:
    message = usm.decode_v3_message(discovery_request(4242))
    assert message.flags == usm.FLAG_REPORTABLE and message.engine_id == b"" and message.user == b""
    assert message.msg_id == 4242
    _, _, pdu = usm.decode_scoped_pdu(message.data)
    assert pdu.tag == ber.GET and pdu.varbinds == []
