"""The monitor: FastAPI control plane with inventory, Prometheus service discovery and audit history."""
