"""Alert delivery: Alertmanager's routing tree from the topology, the monitor's webhook receiver and alert history,
the DingTalk and WeCom robot adapters, and maintenance windows as Alertmanager silences.

``routing`` imports only the topology model, so the Pulumi plan and ``yunwang up`` both render Alertmanager's
configuration with it; the rest runs inside the monitor.
"""
