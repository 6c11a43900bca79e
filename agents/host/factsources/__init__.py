"""Readers behind ``collect_facts``: one module per area (sshd, PAM, accounts, network, daemons, system)."""
