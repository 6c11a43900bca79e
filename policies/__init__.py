"""MLPS 2.0 (GB/T 22239-2019) level-3 audit of plans, Kubernetes manifests, hosts and network devices."""
