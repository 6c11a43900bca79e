"""Declared links checked against the network as it really is (LLDP neighbours and interface state).

The topology declares every cable; the pollers read what each device's LLDP agent and interface table report.
This package holds the one definition of a declared link (:mod:`links.declared`), of port identity across the
vendors' spellings (:mod:`links.ports`) and of a link's state (:mod:`links.state`). Observations come from
Prometheus (:mod:`links.prometheus`) or straight from the devices over SNMP (:mod:`links.snmp`); the monitor
exports the states as series (:mod:`links.exposition`) and `yunwang net links` prints them (:mod:`links.cli`).
"""
