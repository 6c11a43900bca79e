"""One module per vendor CLI; :func:`dialect_for` picks the one a topology device speaks."""
