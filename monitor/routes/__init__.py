"""The monitor's routers, one per resource; ``monitor.app`` includes them."""

API_V1 = "/api/v1"
"""Part of each API router's own prefix: a prefix given to ``include_router`` instead would be missing from
the route template the request-metrics middleware labels requests with."""
