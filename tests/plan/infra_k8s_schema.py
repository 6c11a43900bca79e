"""Validate manifests against the Kubernetes 1.30 schema of kubernetes-validate, loading it once.

``kubernetes_validate.validate`` re-reads the 1.8 MB definitions file for every object; here the files are
read once and one jsonschema validator is kept per kind (same schema files, same strict mode).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from referencing import Registry, Resource

VERSION = "1.30.0"


@cache
def _base() -> Any:
    return resources.files("kubernetes_validate").joinpath(f"kubernetes-json-schema/v{VERSION}-local-strict")


@cache
def _registry() -> Registry:
    defs = json.loads(_base().joinpath("_definitions.json").read_text())
    return Resource.from_contents(defs) @ Registry()  # type: ignore[no-any-return]


@cache
def validator(api_version: str, kind: str) -> jsonschema.protocols.Validator:
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema = json.loads(_base().joinpath(f"{kind.lower()}-{group}.json").read_text())
    registry = Resource.from_contents(schema) @ _registry()
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)  # type: ignore[no-any-return]


def errors(manifest: dict[str, Any]) -> list[str]:
    """Schema violations of one manifest (empty when valid)."""
    v = validator(manifest["apiVersion"], manifest["kind"])
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(manifest)]
