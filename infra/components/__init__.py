"""One module per ComponentResource: SecurityZone, Tenant, Platform, ServicePortal, MonitoringPlane,
NetworkInventory."""
