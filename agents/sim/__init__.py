"""Simulated network devices: snmpsim recordings generated from the topology, served on 127.0.0.1."""
