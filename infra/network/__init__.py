"""The network half of the program: every device's configuration, rendered from the topology.

``intent`` resolves what a device should be from the model (role and region defaults, the device's overrides);
``firewall`` turns the zone access matrix into security policies (the same matrix reading as the NetworkPolicies);
``render`` fills the vendor family's template (``templates/``, one registry entry per family in ``vendors/``);
``secrets`` marks every secret-bearing token so a plan shows ``[secret]`` and a push the real value.
"""
