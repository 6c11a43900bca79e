"""One monitor's state: database, authenticator, topology views and caches, built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monitor.alerting.service import Alerting, build_alerting
from monitor.auth import Authenticator
from monitor.db import head_revision, make_engine, migrate
from monitor.ingest import HeartbeatWriter
from monitor.metrics import MetricsRenderer
from monitor.reachability import Reachability
from monitor.settings import MonitorSettings
from monitor.store import Store
from monitor.views import SdCache, TopologyViews
from yunwang.inventory import load_endpoints
from yunwang.stacks import load_stack
from yunwang.topology import Topology


@dataclass
class Monitor:
    settings: MonitorSettings
    topo: Topology
    store: Store
    auth: Authenticator
    views: TopologyViews
    sd: SdCache
    metrics: MetricsRenderer
    reach: Reachability
    head: str
    heartbeats: HeartbeatWriter
    alerting: Alerting

    def close(self) -> None:
        self.heartbeats.close()
        self.alerting.close()
        self.store.engine.dispose()


def build_monitor(settings: MonitorSettings, topo: Topology | None = None) -> Monitor:
    """Load the stack (unless given), migrate the database and assemble the caches."""
    if topo is None:
        loaded = load_stack(settings.stack, settings.project_root)
        assert loaded.topology is not None
        topo = loaded.topology
    endpoints = load_endpoints(Path(settings.endpoints_file)) if settings.endpoints_file else None
    engine = make_engine(settings.db_url)
    migrate(engine)
    store = Store(engine)
    views = TopologyViews(topo, endpoints, settings)
    return Monitor(
        settings=settings, topo=topo, store=store,
        auth=Authenticator(settings.tokens, settings.limits, store.agent_token_hash),
        views=views, sd=SdCache(views, store.agents, settings.sd_refresh_s),
        metrics=MetricsRenderer(store, topo), reach=Reachability(settings.prometheus_url), head=head_revision(),
        heartbeats=HeartbeatWriter(store), alerting=build_alerting(topo, engine, settings.alerting),
    )
