"""`yunwang audit k8s` against its floor (PyYAML C loader parsing the same files) and Checkov, same run.

    .venv/bin/python scripts/bench/audit_vs_checkov.py [--sizes 2000,10000] [--repeat 3] [--checkov-repeat 1]
                                                         [--no-checkov] [--baseline DIR]

Generates the synthetic city corpus (policies.synthetic) for each size, then runs, alternating, for each
repeat: the floor, `yunwang audit k8s DIR --format json`, and `checkov --framework kubernetes --quiet -d DIR`
(installed on first use into /tmp/checkov-venv). Prints medians of wall time and peak RSS, the ratios, and what
each tool found of the corpus's known flaws (literal passwords in env values, namespaces without a NetworkPolicy).
"library" is the same audit called from Python without the command line, to separate the CLI's start-up.
"baseline" (with --baseline DIR) is the command of an earlier version's source tree (`git archive REV | tar -x -C
DIR`) run with this venv, alternating with the others: before/after figures from one run.
Children run with bytecode caching on (PYTHONDONTWRITEBYTECODE unset) after one unmeasured warm-up run, as an
installed tool would.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from policies.synthetic import write_corpus  # noqa: E402

CHECKOV_VENV = Path(os.environ.get("CHECKOV_VENV", "/tmp/checkov-venv"))
FLOOR = """
import os, sys, yaml
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        with open(os.path.join(root, name), encoding="utf-8") as fh:
            n += sum(1 for doc in yaml.load_all(fh.read(), Loader=yaml.CSafeLoader) if doc)
print(n)
"""


LIBRARY = """
import sys
from pathlib import Path
from policies.engine import AuditUnit, ReadStats, run_audit
from policies.k8s import load_k8s
from policies.render import render_json
stats = ReadStats()
loaded = load_k8s([Path(sys.argv[1])], stats)
report = run_audit([AuditUnit("k8s", loaded.facts)], waivers=loaded.waivers, stats=stats, errors=loaded.errors)
Path(sys.argv[2]).write_text(render_json(report), encoding="utf-8")
"""
"""The same audit through the library, without the command line (Typer, its pydantic coercion, rich): shows
how much of the command's time is the CLI framework's start-up."""


def run_measured(cmd: list[str], pythonpath: str | None = None) -> tuple[tuple[float, float, float], str]:
    """Run ``cmd`` in a fresh wrapper process; returns the child's own (wall s, CPU s, peak RSS MB) and stdout.

    CPU (user + system) is the figure to compare on a shared machine: wall time there mostly measures the
    wait for a core."""
    wrapper = (
        "import json, os, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
        "out, _ = p.communicate()\n"
        "wall = time.perf_counter() - t\n"
        "import resource\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "info = {'wall': wall, 'cpu': u.ru_utime + u.ru_stime, 'rss': u.ru_maxrss / 1024, 'rc': p.returncode}\n"
        "sys.stderr.write(json.dumps(info))\n"
        "sys.stdout.buffer.write(out)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=False,
                          env=env, cwd="/" if pythonpath else None)
    info = json.loads(proc.stderr.strip().splitlines()[-1])
    return (float(info["wall"]), float(info["cpu"]), float(info["rss"])), proc.stdout


def ensure_checkov() -> Path | None:
    binary = CHECKOV_VENV / "bin" / "checkov"
    if binary.exists():
        return binary
    print(f"installing checkov into {CHECKOV_VENV} (first use) …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
    done = subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "-q", "checkov"], check=False)
    return binary if done.returncode == 0 and binary.exists() else None


def checkov_known_flaws(text: str) -> tuple[int, int, int]:
    """(failed checks, password deployments flagged by a check that spares the other deployments, namespaces
    without NetworkPolicy flagged by a check that spares the others) from Checkov's JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return -1, -1, -1
    reports = data if isinstance(data, list) else [data]
    failed = [c for r in reports for c in r.get("results", {}).get("failed_checks", [])]

    def flagged(is_flawed: Any, kind: str) -> int:
        by_check: dict[str, set[str]] = {}
        for c in failed:
            resource = str(c.get("resource", ""))
            if resource.startswith(kind + "."):
                by_check.setdefault(str(c.get("check_id")), set()).add(resource)
        specific = set().union(*[r for r in by_check.values() if r and all(is_flawed(x) for x in r)])
        return len(specific)

    passwords = flagged(lambda r: int(r.rsplit("-", 1)[-1]) % 5 == 0, "Deployment")
    namespaces = flagged(lambda r: int(r.rsplit("-", 1)[-1]) % 7 == 0, "Namespace")
    return len(failed), passwords, namespaces


def known_flaws(corpus: Path) -> tuple[int, int]:
    """Deployments with a literal password and namespaces without any NetworkPolicy, counted from the files."""
    import yaml

    passwords = 0
    namespaces: set[str] = set()
    with_policy: set[str] = set()
    for path in corpus.iterdir():
        for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
            if doc["kind"] == "Namespace":
                namespaces.add(doc["metadata"]["name"])
            elif doc["kind"] == "NetworkPolicy":
                with_policy.add(doc["metadata"]["namespace"])
            elif doc["kind"] == "Deployment":
                env = doc["spec"]["template"]["spec"]["containers"][0]["env"]
                passwords += any(e["name"].endswith("PASSWORD") and "value" in e for e in env)
    return passwords, len(namespaces - with_policy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--checkov-repeat", type=int, default=1, help="Checkov runs per size (it is slow)")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--baseline", type=Path, help="source tree of an earlier version to compare with")
    args = parser.parse_args()
    checkov = None if args.no_checkov else ensure_checkov()
    yunwang = str(ROOT / ".venv" / "bin" / "yunwang")
    python = str(ROOT / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = Path(tmp) / f"k8s-{size}"
            write_corpus(corpus, size)
            out = Path(tmp) / f"report-{size}.json"
            times: dict[str, list[tuple[float, float, float]]] = {"floor": [], "yunwang": [], "library": [],
                                                                  "baseline": [], "checkov": []}
            baseline = [python, "-m", "yunwang.cli", "audit", "k8s", str(corpus), "--format", "json", "--out",
                        str(out.with_suffix(".baseline.json"))]
            if args.baseline:
                run_measured(baseline, str(args.baseline.resolve()))  # warm-up
            report_text = checkov_text = ""
            run_measured([yunwang, "audit", "k8s", str(corpus), "--format", "json", "--out", str(out)])  # warm-up
            load_before = os.getloadavg()[0]
            for i in range(args.repeat):
                figures, _ = run_measured([python, "-c", FLOOR, str(corpus)])
                times["floor"].append(figures)
                figures, _ = run_measured([yunwang, "audit", "k8s", str(corpus), "--format", "json", "--out",
                                           str(out), "--fail-on", "high"])
                times["yunwang"].append(figures)
                report_text = out.read_text(encoding="utf-8")
                figures, _ = run_measured([python, "-c", LIBRARY, str(corpus), str(out.with_suffix(".lib.json"))])
                times["library"].append(figures)
                if args.baseline:
                    times["baseline"].append(run_measured(baseline, str(args.baseline.resolve()))[0])
                if checkov is not None and i < args.checkov_repeat:
                    figures, checkov_text = run_measured([str(checkov), "--framework", "kubernetes", "--quiet",
                                                          "-d", str(corpus), "-o", "json"])
                    times["checkov"].append(figures)
            report = json.loads(report_text)
            expected_passwords, expected_namespaces = known_flaws(corpus)
            by_rule: dict[str, int] = {}
            for f in report["findings"]:
                by_rule[f["rule_id"]] = by_rule.get(f["rule_id"], 0) + 1
            med = {k: tuple(statistics.median(x[i] for x in v) for i in range(3)) for k, v in times.items() if v}
            print(f"\n== {size} objects ({len(list(corpus.iterdir()))} files), median of {args.repeat} "
                  f"(checkov: {min(args.repeat, args.checkov_repeat)}) ==")
            for name, (wall, cpu, rss) in med.items():
                print(f"{name:8s} wall {wall:7.2f} s  cpu {cpu:7.2f} s  peak RSS {rss:7.1f} MB")
            paired = statistics.median(y[1] / f[1] for y, f in zip(times["yunwang"], times["floor"], strict=True))
            print(f"yunwang / floor: {med['yunwang'][1] / med['floor'][1]:.2f}x CPU, "
                  f"{med['yunwang'][0] / med['floor'][0]:.2f}x wall; median of per-round CPU ratios {paired:.2f}x")
            print(f"library (no CLI) / floor: {med['library'][1] / med['floor'][1]:.2f}x CPU")
            if "baseline" in med:
                before = statistics.median(b[1] / f[1] for b, f in zip(times["baseline"], times["floor"], strict=True))
                print(f"baseline / floor: {med['baseline'][1] / med['floor'][1]:.2f}x CPU (per round {before:.2f}x); "
                      f"yunwang / baseline: {med['yunwang'][1] / med['baseline'][1]:.2f}x CPU")
            print(f"load average (1 min): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
            deployments = sum(1 for f in report["findings"] if f["rule_id"] == "YW-K8S-030")
            print(f"known flaws: {expected_passwords} deployments with literal passwords, {expected_namespaces} "
                  "namespaces without NetworkPolicy")
            print(f"yunwang: {len(report['findings'])} findings; literal passwords found in {deployments}, "
                  f"namespaces without default-deny: {by_rule.get('YW-K8S-011', 0)}")
            if "checkov" in med:
                failed, passwords, namespaces = checkov_known_flaws(checkov_text)
                print(f"checkov: {failed} failed checks; literal passwords found in {passwords}, namespaces without "
                      f"NetworkPolicy: {namespaces}")
                print(f"checkov / yunwang: {med['checkov'][1] / med['yunwang'][1]:.1f}x CPU, "
                      f"{med['checkov'][0] / med['yunwang'][0]:.1f}x wall, "
                      f"{med['checkov'][2] / med['yunwang'][2]:.1f}x peak RSS")


if __name__ == "__main__":
    main()
