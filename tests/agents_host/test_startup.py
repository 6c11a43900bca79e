"""The long-running agent keeps only what it uses: no Typer, Rich, pydantic, httpx or prometheus_client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agents.host.factsources.sshd import effective_settings
from yunwang.testkit import ROOT

HEAVY = ("typer", "rich", "pydantic", "httpx", "prometheus_client", "psutil", "click")


def test_agent_modules_import_nothing_heavy() -> None:
    code = ("import sys, agents.host.__main__, agents.host.agent, agents.host.server, agents.host.scrape, "
            "agents.host.collectors, agents.host.push; import json; print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          timeout=60)
    loaded = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert not loaded & set(HEAVY)


def test_the_facts_child_imports_nothing_heavy() -> None:
    """The facts document is standard-library dataclasses (yunwang.contracts.host_facts): no pydantic per collection."""
    code = ("import sys, agents.host.factsources.__main__, agents.host.facts; agents.host.factsources.readers(); "
            "import json; print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          timeout=60)
    loaded = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert not loaded & set(HEAVY)


def test_the_agent_command_is_registered() -> None:
    from agents.cli import app

    assert "host" in {command.name for command in app.registered_commands}


def test_sshd_dash_t_output_is_parsed(tmp_path: Path) -> None:
    fake = tmp_path / "sshd"
    fake.write_text("#!/bin/sh\n[ \"$1\" = -T ] || exit 1\n"
                    "printf 'port 22\\nport 2222\\npermitrootlogin no\\nPasswordAuthentication no\\n"
                    "ciphers aes256-gcm@openssh.com\\n'\n")
    fake.chmod(0o755)
    assert effective_settings(str(fake)) == {"port": "22,2222", "permitrootlogin": "no",
                                             "passwordauthentication": "no", "ciphers": "aes256-gcm@openssh.com"}
    broken = tmp_path / "sshd-broken"
    broken.write_text("#!/bin/sh\necho 'sshd: no hostkeys available -- exiting.' >&2\nexit 1\n")
    broken.chmod(0o755)
    assert effective_settings(str(broken)) is None
