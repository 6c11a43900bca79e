"""One monitor's state: database, authenticator, topology views and caches, built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monitor.alerting.service import Alerting, build_alerting
from monitor.auth import Authenticator, Principal
from monitor.db import head_revision, make_engine, migrate
from monitor.drift_store import DriftStore
from monitor.firing import FiringAlerts
from monitor.ingest import HeartbeatWriter
from monitor.links import LinkWatcher
from monitor.metrics import MetricsRenderer
from monitor.reachability import Reachability
from monitor.sessions import Sessions
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
    drift: DriftStore
    sessions: Sessions
    links: LinkWatcher
    alerts: FiringAlerts
    alerting: Alerting

    def session_principal(self, session_id: str, client: str, route: str) -> Principal:
        """The signed-in caller of a live session, or ``AuthFailed`` (counted like a wrong token)."""
        wait = self.auth.limiter.retry_after(client)
        found = self.sessions.lookup(session_id)
        role = self.auth.console_role(found.token_hash) if found is not None else None
        if found is None or role is None:
            if found is not None:  # the token that signed in was rotated: its sessions end with it
                self.sessions.close_digest(found.id_hash)
            raise self.auth.refuse(client, route, wait, "your session has ended (signed out, idle for too long "
                                                        "or expired): sign in again")
        return Principal(role, session=found.id_hash)

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
    drift = DriftStore(engine)
    views = TopologyViews(topo, endpoints, settings)
    links = LinkWatcher(topo, settings.prometheus_url)
    return Monitor(
        settings=settings, topo=topo, store=store,
        auth=Authenticator(settings.tokens, settings.limits, store.agent_token_hash),
        views=views, sd=SdCache(views, store.agents, store.sd_allowed, settings.sd_refresh_s),
        metrics=MetricsRenderer(store, topo, links.metrics, drift), reach=Reachability(settings.prometheus_url),
        head=head_revision(), heartbeats=HeartbeatWriter(store), sessions=Sessions(engine, settings.sessions),
        links=links, alerts=FiringAlerts(settings.prometheus_url, sources=settings.alert_sources), drift=drift,
        alerting=build_alerting(topo, engine, settings.alerting),
    )
