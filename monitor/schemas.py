"""Request and response bodies: the audit JSON contract (design.md), heartbeats and host facts.

Unknown extra fields are kept (audit documents) or ignored (heartbeats) so that newer agents and auditors
keep working against an older monitor; every field the monitor relies on is checked strictly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from yunwang.contracts import host_facts
from yunwang.contracts.audit import ControlStatus, Severity, Source
from yunwang.contracts.validation import open_model

AGENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
CLAUSE_PATTERN = r"^[0-9]+(\.[0-9]+)+-[a-z]$"
PORT_PATTERN = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
ADDRESS_PATTERN = rf"^[A-Za-z0-9.:\[\]-]{{1,250}}:{PORT_PATTERN}$"
"""HOST:PORT with a port from 1 to 65535."""
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
IPV4_PATTERN = rf"^({_OCTET}\.){{3}}{_OCTET}$"
IPV4_CIDR_PATTERN = rf"^({_OCTET}\.){{3}}{_OCTET}/(3[0-2]|[12]?[0-9])$"
"""An IPv4 range: the stack's address plan is IPv4 (yunwang.topology)."""

Clause = Annotated[str, Field(pattern=CLAUSE_PATTERN, examples=["8.1.4.2-a"])]
AgentId = Annotated[str, Field(pattern=AGENT_ID_PATTERN)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
LineNumber = Annotated[int, Field(ge=0, le=2**31 - 1)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Tool(_Open):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    version: Annotated[str, Field(max_length=64)]


class Target(_Open):
    source: Source
    id: Annotated[str, Field(max_length=4096)]
    file: str | None = None
    line: LineNumber | None = None


class Finding(_Open):
    rule_id: Annotated[str, Field(min_length=1, max_length=128)]
    clauses: Annotated[list[Clause], Field(min_length=1)]
    severity: Severity
    target: Target
    title: str
    title_zh: str = ""
    message: str
    remediation: str = ""
    waived: bool = False
    waiver: dict[str, Any] | str | None = None


class AuditError(_Open):
    file: str
    line: LineNumber | None = None
    message: str


class Summary(_Open):
    high: Count
    medium: Count
    low: Count
    waived: Count
    controls: dict[Annotated[str, Field(max_length=64)], ControlStatus]


class AuditReport(_Open):
    """One audit run, exactly the document `yunwang audit ... --format json` writes."""

    tool: Tool
    standard: Annotated[str, Field(max_length=128)]
    findings: list[Finding]
    errors: list[AuditError] = []
    summary: Summary


class AuditRef(BaseModel):
    id: int
    received_at: datetime
    tool: Tool
    standard: str
    high: int
    medium: int
    low: int
    waived: int
    findings: int


class StoredFinding(Finding):
    audit_id: int
    index: int


class FindingKey(BaseModel):
    rule_id: str
    source: str
    id: str


class AuditDiff(BaseModel):
    """Findings between two runs; identity is rule_id + target source/id (file and line may move)."""

    from_id: int = Field(alias="from")
    to_id: int = Field(alias="to")
    new: list[Finding]
    fixed: list[Finding]
    still_open: list[Finding]
    model_config = ConfigDict(populate_by_name=True)


class Heartbeat(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agent_id: AgentId
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$", examples=["host", "snmp"])]
    hostname: Annotated[str, Field(min_length=1, max_length=255)]
    version: Annotated[str, Field(min_length=1, max_length=64)]
    seq: Annotated[int, Field(ge=0, le=2**62)]
    sent_at: datetime
    address: Annotated[str, Field(pattern=ADDRESS_PATTERN)] | None = Field(
        default=None, description="HOST:PORT where the agent serves /metrics (optional; added to SD)")


class HeartbeatAck(BaseModel):
    agent_id: str
    seq: int
    stored: bool = True


class HostFacts(open_model(host_facts.HostFacts, frozenset({"schema"}))):  # type: ignore[misc]
    """Host security facts, as defined in yunwang.contracts.host_facts: the schema marker is required, whatever
    else is present must have the contract's types, absent sections are allowed (an older or newer agent; the
    policy engine reports them as "could not determine"), unknown fields are kept, and the document is stored
    exactly as sent."""


class AgentView(BaseModel):
    agent_id: str
    kind: str
    hostname: str
    version: str
    address: str | None
    last_seq: int
    sent_at: datetime
    first_seen: datetime
    last_seen: datetime
    facts_received_at: datetime | None


class AgentToken(BaseModel):
    agent_id: str
    token: str = Field(description="shown once: store it in the agent's token file")


class AgentReset(BaseModel):
    agent_id: str
    status: str = Field(default="reset", description="token, heartbeat state and facts forgotten: it may enrol again")


class SdAllowance(BaseModel):
    """A range service discovery may list agents' addresses in, beyond the stack's declared ranges."""

    cidr: Annotated[str, Field(pattern=IPV4_CIDR_PATTERN, examples=["10.40.0.0/24", "192.0.2.7/32"])]
    reason: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f]*$")]


class SdAllowed(BaseModel):
    cidr: str
    reason: str
    created_at: datetime


class ErrorBody(BaseModel):
    error: str
    problems: list[dict[str, Any]] = []


class Created(BaseModel):
    id: int
    findings: int


class SdGroup(BaseModel):
    targets: list[str]
    labels: dict[str, str]
