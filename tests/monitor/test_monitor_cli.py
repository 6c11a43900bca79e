"""`yunwang monitor` refuses bad options with a located message and exit status 2, before serving anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from monitor_testlib import ROOT


@pytest.mark.parametrize("args,message", [
    (["--listen", "8080"], "expected HOST:PORT"),
    (["--host-targets", "some"], "use all or agents"),
    (["--db", "mysql://u:secret@h/db"], "unsupported database"),
    (["--ssl-keyfile", "k.pem"], "TLS needs both files"),
    (["--admin-token-file", "missing.token"], "cannot read token file"),
])
def test_bad_options_exit_2_with_the_reason(tmp_path: Path, args: list[str], message: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUNWANG_")} | {"YUNWANG_HOME": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "yunwang.cli", "monitor", "--state-dir", str(tmp_path), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr
