"""Pulumi CrossGuard policy pack reusing the Kubernetes rules (see ``policies.pack.crossguard``)."""
