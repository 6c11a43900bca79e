"""The floor of `yunwang net apply`: a bare asyncssh client pushing the same lines at the same concurrency.

Per device: connect and log in, open a shell, wait for the prompt, enter configuration mode, send each line and
wait for the next prompt, leave configuration mode, disconnect. No plan, no verification, no save, no rollback:
the least any tool must do to type those lines.

    YUNWANG_DEVICE_SYSTEM_PASSWORD=… .venv/bin/python scripts/bench/net_apply_floor.py \\
        --endpoints .yunwang/ssh-endpoints.json --commands commands.json --concurrency 20 --known-hosts FILE

``commands.json``: {device: {"vendor": "huawei|h3c|cisco|ruijie", "commands": [line, …]}}. Prints one JSON
object: wall seconds, devices, lines sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import time
from pathlib import Path

import asyncssh

PROMPT = re.compile(r"(?:^|\n)(?:[<\[][^<>\[\]\r\n]+[>\]]|[^\s()#>]+(?:\([^()\s]+\))?[>#])\s*$")
ENTER = {"huawei": "system-view", "h3c": "system-view", "cisco": "configure terminal", "ruijie": "configure terminal"}
LEAVE = {"huawei": "return", "h3c": "return", "cisco": "end", "ruijie": "end"}


async def until_prompt(process: asyncssh.SSHClientProcess[str]) -> str:
    text = ""
    while not PROMPT.search(text[-300:]):
        chunk = await process.stdout.read(65536)
        if not chunk:
            raise ConnectionError("session closed")
        text += chunk.replace("\r", "")
    return text


async def push(endpoint: str, vendor: str, lines: list[str], user: str, password: str, known_hosts: str) -> int:
    host, port = endpoint.rsplit(":", 1)
    async with asyncssh.connect(host, int(port), username=user, password=password, known_hosts=known_hosts,
                                client_keys=None, agent_path=None) as conn:
        process = await conn.create_process(term_type="vt100", term_size=(511, 200), encoding="utf-8")
        await until_prompt(process)
        for line in (ENTER[vendor], *lines, LEAVE[vendor]):
            process.stdin.write(line + "\n")
            await until_prompt(process)
        process.close()
    return len(lines)


async def main_async(args: argparse.Namespace) -> dict[str, float]:
    endpoints = json.loads(Path(args.endpoints).read_text(encoding="utf-8"))
    work = json.loads(Path(args.commands).read_text(encoding="utf-8"))
    password = os.environ["YUNWANG_DEVICE_SYSTEM_PASSWORD"]
    gate = asyncio.Semaphore(args.concurrency)

    async def one(name: str) -> int:
        async with gate:
            return await push(endpoints[name], work[name]["vendor"], work[name]["commands"], args.user, password,
                              args.known_hosts)

    started = time.perf_counter()
    sent = await asyncio.gather(*(one(name) for name in work))
    return {"wall_s": time.perf_counter() - started, "devices": len(sent), "lines": sum(sent)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", required=True)
    parser.add_argument("--commands", required=True)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--known-hosts", required=True)
    parser.add_argument("--user", default="sysadmin")
    print(json.dumps(asyncio.run(main_async(parser.parse_args()))))


if __name__ == "__main__":
    main()
