"""Session actions: moving between modes, showing the configuration, saving it, terminal settings.

Texts that differ per vendor (the system-view greeting, the save dialog, the running-config preamble) come from
the dialect's ``extra`` table, so this module holds behaviour only.
"""

from __future__ import annotations

from collections.abc import Callable

from agents.sim.ssh import config as cfg
from agents.sim.ssh.device import Dialog, Frame, Reply, SimDevice
from agents.sim.ssh.grammar import Match

Action = Callable[[SimDevice, list[Frame], Match, str], Reply]


def _text(dev: SimDevice, key: str) -> str:
    return str(dev.dialect.extra.get(key, ""))


def enter_config(dev: SimDevice, stack: list[Frame], _m: Match, _u: str) -> Reply:
    stack.append(Frame(dev.dialect.config_mode, dev.root))
    return Reply(_text(dev, "config_greeting"))


def enable(dev: SimDevice, stack: list[Frame], _m: Match, user: str) -> Reply:
    privileged = _text(dev, "privileged_mode")
    if stack[-1].mode != privileged:
        if dev.privilege(user) < 15:
            return Reply("% Error in authentication.")
        stack.append(Frame(privileged, dev.root))
    return Reply()


def disable(dev: SimDevice, stack: list[Frame], _m: Match, _u: str) -> Reply:
    del stack[1:]
    return Reply()


def quit_mode(dev: SimDevice, stack: list[Frame], _m: Match, _u: str) -> Reply:
    """Up one level; at the login level the session ends."""
    if len(stack) == 1 or (stack[-1].mode == _text(dev, "privileged_mode") and len(stack) == 2):
        return Reply(close=True)
    stack.pop()
    return Reply()


def return_to_exec(dev: SimDevice, stack: list[Frame], _m: Match, _u: str) -> Reply:
    """``return`` / ``end``: straight back to the exec level the session logged in at."""
    exec_modes = {dev.dialect.login_mode, _text(dev, "privileged_mode")}
    while len(stack) > 1 and stack[-1].mode not in exec_modes:
        stack.pop()
    return Reply()


def display_config(dev: SimDevice, _stack: list[Frame], match: Match, _u: str) -> Reply:
    name = match.bindings.get("if")
    if name:
        node = next((n for n in dev.root.children if n.bindings.get("if") == name), None)
        if node is None:
            return Reply(dev.error("wrong-parameter", None, 0))
        body = "\n".join(cfg.render_section(node, dev.dialect.layout))
    else:
        body = dev.running_config().rstrip("\n")
    return Reply(_preamble(dev, body) + body)


def _preamble(dev: SimDevice, body: str) -> str:
    return _text(dev, "config_preamble").format(size=len(body) + 1)


def display_saved(dev: SimDevice, _stack: list[Frame], _m: Match, _u: str) -> Reply:
    body = dev.saved_config().rstrip("\n")
    return Reply(_preamble(dev, body) + body)


def display_this(dev: SimDevice, stack: list[Frame], _m: Match, _u: str) -> Reply:
    node = stack[-1].node
    if node is dev.root:
        return display_config(dev, stack, Match((), {}, 0), "")
    return Reply("\n".join(cfg.render_section(node, dev.dialect.layout)))


def display_version(dev: SimDevice, _stack: list[Frame], _m: Match, _u: str) -> Reply:
    return Reply(dev.description.replace("\r\n", "\n"))


def terminal(_dev: SimDevice, _stack: list[Frame], _m: Match, _u: str) -> Reply:
    return Reply(_text(_dev, "terminal_reply"))


def dialog(key: str) -> Action:
    """A save command: the dialect's questions (if any), then the save itself (see :class:`Dialog`)."""
    def act(dev: SimDevice, _stack: list[Frame], _m: Match, _u: str) -> Reply:
        found = dev.dialect.extra[key]
        assert isinstance(found, Dialog)
        if not found.questions:
            dev.save()
            return Reply(found.done)
        return Reply(dialog=found)
    return act


def do_exec(dev: SimDevice, stack: list[Frame], match: Match, user: str) -> Reply:
    """IOS ``do show running-config`` from a configuration mode."""
    exec_stack = stack[:2]
    return dev.execute(exec_stack, str(match.bindings["cmd"]), user)


ACTIONS: dict[str, Action] = {
    "system-view": enter_config,
    "configure": enter_config,
    "enable": enable,
    "disable": disable,
    "quit": quit_mode,
    "return": return_to_exec,
    "display-config": display_config,
    "display-saved": display_saved,
    "display-this": display_this,
    "display-version": display_version,
    "screen-length": terminal,
    "save": dialog("save"),
    "save-force": dialog("save_force"),
    "copy": dialog("copy"),
    "do": do_exec,
}


def run_action(dev: SimDevice, stack: list[Frame], name: str, match: Match, user: str) -> Reply:
    return ACTIONS[name](dev, stack, match, user)
