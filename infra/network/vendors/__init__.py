"""One module per vendor family, each defining ``FAMILY``."""
