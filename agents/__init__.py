"""Agents: host metrics and security facts, SNMP polling, exported for Prometheus; simulated devices for tests."""
