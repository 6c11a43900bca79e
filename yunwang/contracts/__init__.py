"""Contracts shared by the packages (agents, monitor, policies, infra): one definition each.

Import from the submodules (``yunwang.contracts.audit``, ``…vendors``, ``…host_facts``, ``…exposition``);
this package imports nothing so any layer can depend on it.
"""
