"""Container images: pinned by digest, never a moving tag."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, containers


def image_tag(image: str) -> str | None:
    """The tag of an image reference (None when there is none); a registry port is not a tag."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


@rule(id="YW-K8S-040", clauses=("8.2.4.4-b", "8.1.4.4-e"), severity="medium", source="k8s",
      title="Image uses 'latest' or no tag", title_zh="镜像使用 latest 或未指定标签",
      remediation="Reference a released version, ideally by digest (image@sha256:…).",
      remediation_zh="引用已发布的版本，最好用摘要（image@sha256:…）。")
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
      remediation_zh="用摘要（image@sha256:…）固定镜像，保证运行的即是扫描过的。")
def digest(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        for c in containers(spec):
            image = str(c.get("image", ""))
            if "@sha256:" not in image and image_tag(image) not in (None, "latest"):
                yield Violation(obj.target(), f"container '{c.get('name', '?')}' image '{image}' has no digest")
