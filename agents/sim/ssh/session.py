"""One SSH session on a simulated device: prompt, read a line, run it, answer — until quit or idle timeout."""

from __future__ import annotations

import asyncio
import re

import asyncssh

from agents.sim.ssh.device import Dialog, Frame, Reply, SimDevice

_IDLE_COMMANDS = ("idle-timeout", "exec-timeout")


def idle_timeout(device: SimDevice, default_s: float) -> float | None:
    """The VTY idle timeout the device's configuration sets (``0 0``: never), else the default."""
    for node in device.root.children:
        if "vty" not in node.text.split()[:2] and not node.text.startswith(("user-interface vty", "line vty")):
            continue
        for child in node.children:
            words = child.text.split()
            if words and words[0] in _IDLE_COMMANDS:
                minutes = int(words[1]) if len(words) > 1 else 10
                seconds = int(words[2]) if len(words) > 2 else 0
                total = minutes * 60 + seconds
                return float(total) if total else None
    return default_s


async def _answer(device: SimDevice, dialog: Dialog, process: asyncssh.SSHServerProcess[str]) -> Reply:
    for question, pattern in dialog.questions:
        process.stdout.write(question)
        answer = await process.stdin.readline()
        if not re.fullmatch(pattern, answer.strip()):
            return Reply(dialog.aborted)
    device.save()
    return Reply(dialog.done)


async def run_session(device: SimDevice, process: asyncssh.SSHServerProcess[str], default_idle_s: float) -> None:
    user = str(process.get_extra_info("username") or "")
    stack: list[Frame] = device.login_frames(user)
    write = process.stdout.write
    if device.dialect.banner:
        write(device.dialect.banner + "\n")
    write("\n" + device.prompt(stack))
    try:
        while True:
            try:
                line = await asyncio.wait_for(process.stdin.readline(), idle_timeout(device, default_idle_s))
            except TimeoutError:
                write("\n")
                break
            except (asyncssh.BreakReceived, asyncssh.SignalReceived, asyncssh.TerminalSizeChanged):
                continue
            if not line:
                break
            if device.latency_s:
                await asyncio.sleep(device.latency_s)
            reply = device.execute(stack, line, user)
            if reply.dialog is not None:
                reply = await _answer(device, reply.dialog, process)
            if reply.output:
                write(reply.output + "\n")
            if reply.close:
                break
            write(device.prompt(stack))
    except (asyncssh.DisconnectError, asyncssh.ConnectionLost, BrokenPipeError, ConnectionResetError):
        return
    process.exit(0)
