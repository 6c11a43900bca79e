"""Host agent: node_exporter-compatible metrics read straight from /proc and /sys, plus host security facts."""
