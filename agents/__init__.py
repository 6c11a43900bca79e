"""Agents: host metrics (psutil) and SNMP polling (pysnmp), exported for Prometheus; simulated devices."""
