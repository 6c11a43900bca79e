"""Simulated network devices over SSH: each answers with its vendor's CLI and keeps its configuration as state."""
