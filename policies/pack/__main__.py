"""Entry point Pulumi runs for the pack (`pulumi preview --policy-pack policies/pack`)."""

from __future__ import annotations


def main() -> None:
    from pulumi_policy import PolicyPack

    from policies.pack.crossguard import PACK_NAME, build_policies

    PolicyPack(name=PACK_NAME, policies=list(build_policies()),
               description="MLPS 2.0 (GB/T 22239-2019 level 3) checks of Kubernetes resources, from yunwang")


if __name__ == "__main__":
    main()
