"""The Pulumi program: ComponentResources for regions, zones, tenants, platforms, portals and monitoring."""
