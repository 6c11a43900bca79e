"""`yunwang audit k8s` against its floor (PyYAML C loader parsing the same files) and Checkov, same run.

    .venv/bin/python scripts/bench/audit_vs_checkov.py [--sizes 2000,10000] [--repeat 3] [--no-checkov]

Generates the synthetic city corpus (policies.synthetic) for each size, then runs, alternating, for each
repeat: the floor, `yunwang audit k8s DIR --format json`, and `checkov --framework kubernetes --quiet -d DIR`
(installed on first use into /tmp/checkov-venv). Prints medians of wall time and peak RSS, the ratios, and what
each tool found of the corpus's known flaws (literal passwords in env values, namespaces without a NetworkPolicy).
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


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd`` in a fresh wrapper process that reports the child's own wall time and peak RSS."""
    wrapper = (
        "import json, os, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
        "out, _ = p.communicate()\n"
        "wall = time.perf_counter() - t\n"
        "import resource\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stderr.write(json.dumps({'wall': wall, 'rss': rss, 'rc': p.returncode}))\n"
        "sys.stdout.buffer.write(out)\n"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=False)
    info = json.loads(proc.stderr.strip().splitlines()[-1])
    return float(info["wall"]), float(info["rss"]), proc.stdout


def ensure_checkov() -> Path | None:
    binary = CHECKOV_VENV / "bin" / "checkov"
    if binary.exists():
        return binary
    print(f"installing checkov into {CHECKOV_VENV} (first use) …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
    done = subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "-q", "checkov"], check=False)
    return binary if done.returncode == 0 and binary.exists() else None


def checkov_findings(text: str) -> tuple[int, int]:
    """(failed checks, failed checks about secrets in env values) from Checkov's JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return -1, -1
    reports = data if isinstance(data, list) else [data]
    failed = [c for r in reports for c in r.get("results", {}).get("failed_checks", [])]
    secrets = [c for c in failed if "secret" in str(c.get("check_name", "")).lower()
               or "password" in str(c.get("check_name", "")).lower()]
    return len(failed), len(secrets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-checkov", action="store_true")
    args = parser.parse_args()
    checkov = None if args.no_checkov else ensure_checkov()
    yunwang = str(ROOT / ".venv" / "bin" / "yunwang")
    python = str(ROOT / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = Path(tmp) / f"k8s-{size}"
            write_corpus(corpus, size)
            out = Path(tmp) / f"report-{size}.json"
            times: dict[str, list[tuple[float, float]]] = {"floor": [], "yunwang": [], "checkov": []}
            report_text = checkov_text = ""
            for _ in range(args.repeat):
                wall, rss, _ = run_measured([python, "-c", FLOOR, str(corpus)])
                times["floor"].append((wall, rss))
                wall, rss, _ = run_measured([yunwang, "audit", "k8s", str(corpus), "--format", "json", "--out",
                                             str(out), "--fail-on", "high"])
                times["yunwang"].append((wall, rss))
                report_text = out.read_text(encoding="utf-8")
                if checkov is not None:
                    wall, rss, checkov_text = run_measured([str(checkov), "--framework", "kubernetes", "--quiet",
                                                            "-d", str(corpus), "-o", "json"])
                    times["checkov"].append((wall, rss))
            report = json.loads(report_text)
            by_rule: dict[str, int] = {}
            for f in report["findings"]:
                by_rule[f["rule_id"]] = by_rule.get(f["rule_id"], 0) + 1
            med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v))
                   for k, v in times.items() if v}
            print(f"\n== {size} objects ({len(list(corpus.iterdir()))} files), median of {args.repeat} ==")
            for name, (wall, rss) in med.items():
                print(f"{name:8s} {wall:7.2f} s  {rss:7.1f} MB")
            print(f"yunwang / floor: {med['yunwang'][0] / med['floor'][0]:.2f}x wall")
            print(f"yunwang findings: {len(report['findings'])} "
                  f"(literal passwords YW-K8S-030: {by_rule.get('YW-K8S-030', 0)}, "
                  f"namespaces without default-deny YW-K8S-011: {by_rule.get('YW-K8S-011', 0)})")
            if "checkov" in med:
                failed, secrets = checkov_findings(checkov_text)
                print(f"checkov / yunwang: {med['checkov'][0] / med['yunwang'][0]:.1f}x wall; checkov failed checks: "
                      f"{failed} (of which about secrets/passwords: {secrets})")


if __name__ == "__main__":
    main()
