"""netstat: the protocol counters node_exporter keeps by default, from /proc/net/{netstat,snmp,snmp6}."""

from __future__ import annotations

import re

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

DEFAULT_FIELDS = re.compile(
    r"^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
    r"TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|"
    r"Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|"
    r"Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$"
)


class NetstatCollector(Collector):
    name = "netstat"

    def setup(self) -> None:
        # header line → [(value index, metric name, help)] of the kept fields; headers never change at run time.
        self._plans: dict[str, list[tuple[int, str, str]]] = {}

    def _plan(self, header: str) -> list[tuple[int, str, str]]:
        plan = self._plans.get(header)
        if plan is None:
            protocol, _, fields = header.partition(":")
            plan = self._plans[header] = [
                (index, f"node_netstat_{protocol}_{field}", f"Statistic {protocol}{field}.")
                for index, field in enumerate(fields.split()) if DEFAULT_FIELDS.match(f"{protocol}_{field}")
            ]
        return plan

    def collect(self) -> list[Family]:
        families: list[Family] = []
        for name in ("netstat", "snmp"):
            lines = self.files.text(f"{self.paths.proc}/net/{name}").splitlines()
            # Pairs of lines: "Proto: Field1 Field2 …" then "Proto: value1 value2 …".
            for header, line in zip(lines[::2], lines[1::2], strict=False):
                plan = self._plan(header)
                if plan:
                    values = line.partition(":")[2].split()
                    families.extend(Family(metric, help_text, "untyped").add(int(values[index]))
                                    for index, metric, help_text in plan if index < len(values))
        try:
            snmp6 = self.files.text(f"{self.paths.proc}/net/snmp6")
        except FileNotFoundError:  # IPv6 disabled
            return families
        for line in snmp6.splitlines():
            key, _, value = line.strip().partition(" ")
            found = self._plans.get(key)
            if found is None:
                six = key.find("6")
                plan6: list[tuple[int, str, str]] = []
                self._plans[key] = plan6
                if six != -1 and DEFAULT_FIELDS.match(f"{key[:six + 1]}_{key[six + 1:]}"):
                    protocol, field = key[:six + 1], key[six + 1:]
                    plan6.append((0, f"node_netstat_{protocol}_{field}", f"Statistic {protocol}{field}."))
                found = plan6
            if found:
                families.append(Family(found[0][1], found[0][2], "untyped").add(int(value)))
        return families
