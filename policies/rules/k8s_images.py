"""Container images: pinned by digest, never a moving tag."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, container_name, containers


def image_tag(image: str) -> str | None:
    """The tag of an image reference (None when there is none); a registry port is not a tag."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


@rule(id="YW-K8S-040", clauses=("8.2.4.4-b", "8.1.4.4-e"), severity="medium", source="k8s",
      title="Image uses 'latest' or no tag", title_zh="镜像使用 latest 或未指定标签",
      remediation="Reference a released version, ideally by digest (image@sha256:…).",
      remediation_zh="引用已发布的版本，最好用摘要（image@sha256:…）。",
      peers=("CKV_K8S_14", "polaris:tagNotSpecified", "kube-score:container-image-tag"))
def latest_tag(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        for c in containers(spec):
            image = str(c.get("image", ""))
            if "@" in image:
                continue
            tag = image_tag(image)
            if tag is None or tag == "latest":
                yield Violation(obj.target(), f"container '{c.get('name', '?')}' uses image '{image}' "
                                              f"({'latest' if tag else 'no tag'})")


@rule(id="YW-K8S-041", clauses=("8.2.4.4-b",), severity="low", source="k8s",
      title="Image not pinned by digest", title_zh="镜像未按摘要固定",
      remediation="Pin the image by digest (image@sha256:…) so what runs is what was scanned.",
      remediation_zh="用摘要（image@sha256:…）固定镜像，保证运行的即是扫描过的。",
      peers=("CKV_K8S_43",))
def digest(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        for c in containers(spec):
            image = str(c.get("image", ""))
            if "@sha256:" not in image and image_tag(image) not in (None, "latest"):
                yield Violation(obj.target(), f"container '{c.get('name', '?')}' image '{image}' has no digest")


@rule(id="YW-K8S-042", clauses=("8.2.4.4-b", "8.1.4.2-e"), severity="low", source="k8s",
      title="Image pulled only if not present", title_zh="镜像仅在本地不存在时拉取",
      remediation="Pin the image by digest, or set imagePullPolicy: Always so the registry checks the pod's pull "
                  "credentials every time (a private image cached on a node is otherwise open to every pod there).",
      remediation_zh="用摘要固定镜像，或设置 imagePullPolicy: Always，使每次都由镜像仓库校验拉取凭据"
                     "（否则节点上缓存的私有镜像可被该节点上任何 Pod 使用）。",
      peers=("CKV_K8S_15", "polaris:pullPolicyNotAlways", "kube-score:container-image-pull-policy"))
def pull_policy(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        image = str(c.get("image", ""))
        policy = c.get("imagePullPolicy")
        if "@" in image or policy == "Always" or (policy is None and image_tag(image) in (None, "latest")):
            continue  # a digest names exactly one image; no tag or latest defaults to Always
        yield Violation(obj.target(), f"container '{container_name(c)}' pulls '{image}' with imagePullPolicy "
                                      f"{policy or 'IfNotPresent (default)'}")
