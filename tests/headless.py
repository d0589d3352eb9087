"""Headless Chromium over the DevTools protocol (on a pipe: no port, no websocket library): open a
page, and report its console errors, the network requests it made, a DOM query and a screenshot."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageResult:
    errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    evaluated: object = None
    screenshot: bytes = b""
    pdf: bytes = b""


class Browser:
    def __init__(self, timeout: float = 30):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="lis-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The protocol pipe: the browser reads fd 3 and writes fd 4; a small trampoline puts them
        # there after subprocess has done its own descriptor shuffling (sh only knows fds 0-9).
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
                "os.execvp(sys.argv[3], sys.argv[3:])",
                str(to_browser_r),
                str(from_browser_w),
                chromium(),
                *FLAGS,
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            pass_fds=(to_browser_r, from_browser_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._messages: Queue = Queue()
        self._next_id = 0
        self.events: list = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_browser, 1 << 16):
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self._messages.put(json.loads(message))

    def send(self, method: str, params: dict | None = None, session: str | None = None):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._wait(lambda m: m.get("id") == self._next_id)

    def _wait(self, wanted):
        while True:
            try:
                message = self._messages.get(timeout=self.timeout)
            except Empty:
                raise TimeoutError("chromium did not answer") from None
            if wanted(message):
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result", message.get("params"))
            self.events.append(message)

    def open(
        self, url: str, expression: str, pdf: bool = False, window: tuple[int, int] | None = None
    ) -> PageResult:
        """Load url; return its errors, requests, the expression's value and a screenshot (of a
        window of the given width and height in CSS pixels, else the browser's default)."""
        self.events = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        if window:
            self.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": window[0], "height": window[1], "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        if not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self._wait(lambda m: m.get("method") == "Page.loadEventFired")
        result = PageResult()
        result.evaluated = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
        )["result"].get("value")
        shot = self.send(
            "Page.captureScreenshot",
            {"format": "png"},
            session=session,
        )
        result.screenshot = base64.b64decode(shot["data"])
        if pdf:  # as a browser prints it, on the page size the print CSS asks for
            printed = self.send("Page.printToPDF", {"preferCSSPageSize": True}, session=session)
            result.pdf = base64.b64decode(printed["data"])
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent" and params["request"]["url"] != url:
                result.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                result.errors.append(str(params.get("args")))
            elif method == "Runtime.exceptionThrown":
                result.errors.append(str(params["exceptionDetails"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                result.errors.append(params["entry"]["text"])
        self.send("Target.closeTarget", {"targetId": target})
        return result

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (TimeoutError, OSError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def screenshot_of(path: Path, expression: str) -> PageResult:
    browser = Browser()
    try:
        return browser.open(path.resolve().as_uri(), expression)
    finally:
        browser.close()
