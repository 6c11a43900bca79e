"""A headless Chromium driven over the DevTools protocol: load a page with headers, collect console errors,
take a screenshot. Small on purpose: one page, synchronous, loopback only."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-address=127.0.0.1", "--window-size=1280,1400"]


class Browser:
    def __init__(self, chromium: str, port: int):
        # Chromium's helper processes may still write to the profile after the browser exits: its own session lets
        # close() stop them all, and the profile's removal tolerates a straggler.
        self.profile = tempfile.TemporaryDirectory(prefix="yunwang-chromium-", ignore_cleanup_errors=True)
        self.proc = subprocess.Popen([chromium, *FLAGS, f"--remote-debugging-port={port}",
                                      f"--user-data-dir={self.profile.name}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.port = port
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        from websockets.sync.client import connect

        self._connection = connect(self._page_ws(), max_size=64 << 20, open_timeout=10)
        self.ws = self._connection.__enter__()

    def _page_ws(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                pages = [t for t in httpx.get(f"http://127.0.0.1:{self.port}/json/list", timeout=1).json()
                         if t.get("type") == "page"]
                if pages:
                    return str(pages[0]["webSocketDebuggerUrl"])
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError("chromium did not open its DevTools endpoint")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for seen in self.events:
            if seen.get("method") == event:
                return seen
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            self.events.append(message)
            if message.get("method") == event:
                return message
        raise TimeoutError(event)

    def open(self, url: str, headers: dict[str, str]) -> None:
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Network.setExtraHTTPHeaders", headers=headers)
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen since the last navigation."""
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                out.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed":
                out.append(f"load failed: {params.get('errorText')}")
        return out

    def evaluate(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> None:
        """The whole page, or (``full_page=False``) what the 1280×1400 window shows, as the README's image."""
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=full_page)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self._connection.__exit__(None, None, None)
        finally:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self._signal_group(signal.SIGKILL)  # helpers (renderer, GPU, crash handler) that outlived the browser
            self.profile.cleanup()

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)
