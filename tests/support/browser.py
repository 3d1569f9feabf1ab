"""Driving `hashiya serve` in headless Chromium, and reading what xterm.js was sent.

xterm.js draws on a canvas, so the page has no text to read. Instead a script installed
before the page loads keeps every byte the app sends over the websocket; replaying them
through a terminal emulator (pyte) gives the screen the browser shows, cell for cell.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Keeps the bytes the app sends and the size the page asked for.
TAP = r"""
(() => {
  const Native = window.WebSocket;
  window.__hashiya = {chunks: [], url: null};
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    window.__hashiya.url = String(url);
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        const bytes = new Uint8Array(event.data);
        let text = "";
        for (const b of bytes) text += String.fromCharCode(b);
        window.__hashiya.chunks.push(btoa(text));
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""


def chromium_missing() -> str | None:
    """Why headless Chromium cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(found: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `found` until it returns something true (a condition, not a sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        value = found()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class ServeProcess:
    """`hashiya serve` on a free loopback port, its output kept."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        self._log = log.open("wb")
        command = [sys.executable, "-m", "tui.cli", *args, "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ, **env}
        )
        wait_until(self._listening, 60, f"hashiya serve on port {self.port}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError("hashiya serve exited:\n" + self.output())
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


class Browser:
    """One headless Chromium tab with the websocket tap installed."""

    def __init__(self, profile: Path, downloads: Path, width: int = 1100, height: int = 700):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
        ):
            options.add_argument(flag)
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TAP})
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )

    def open(self, url: str) -> None:
        self.driver.get(url)

    def received(self) -> bytes:
        chunks = self.driver.execute_script(
            "return window.__hashiya ? window.__hashiya.chunks : []"
        )
        return b"".join(base64.b64decode(chunk) for chunk in chunks)

    def size(self) -> tuple[int, int] | None:
        """Columns and rows the page asked the app for (from the websocket URL)."""
        from urllib.parse import parse_qs, urlsplit

        url = self.driver.execute_script("return window.__hashiya && window.__hashiya.url")
        if not url:
            return None
        query = parse_qs(urlsplit(url).query)
        return int(query["width"][0]), int(query["height"][0])

    def screen(self) -> list[str]:
        """The terminal as xterm.js shows it, rebuilt from the bytes it was sent."""
        import pyte

        size = self.size()
        if size is None:
            return []
        screen = pyte.Screen(*size)
        stream = pyte.ByteStream(screen)
        stream.feed(self.received())
        return list(screen.display)

    def wait_for(self, found: Callable[[list[str]], bool], timeout: float = 60) -> list[str]:
        lines: list[str] = []

        def check() -> bool:
            nonlocal lines
            lines = self.screen()
            return bool(lines) and found(lines)

        try:
            wait_until(check, timeout, "the browser's screen")
        except AssertionError:
            raise AssertionError("the browser never showed it:\n" + "\n".join(lines)) from None
        return lines

    def keys(self, *keys: str) -> None:
        """Type into the terminal (xterm.js listens on its hidden textarea)."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        area = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        # Focused, then keys to the focused element: ChromeDriver 150 refuses send_keys
        # on the textarea itself, which xterm.js keeps invisible ("not interactable").
        # A key such as `Keys.SHIFT + Keys.LEFT` holds its modifiers down for the rest of
        # it, as element.send_keys does.
        self.driver.execute_script("arguments[0].focus()", area)
        modifiers = {Keys.SHIFT, Keys.CONTROL, Keys.ALT, Keys.META}
        for key in keys:
            chain = ActionChains(self.driver)
            held = []
            for char in key:
                if char in modifiers:
                    chain.key_down(char)
                    held.append(char)
                else:
                    chain.send_keys(char)
            for char in reversed(held):
                chain.key_up(char)
            chain.perform()

    def screenshot(self, path: Path) -> Path:
        self.driver.save_screenshot(str(path))
        return path

    def close(self) -> None:
        self.driver.quit()


def chromium_profile(tmp: Path) -> Path:
    profile = tmp / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    profile.mkdir(parents=True)
    return profile


class SocketTab:
    """A browser tab's side of the websocket, without the browser: what textual.js sends
    (keys as terminal input, the size) and what it receives (the app's output)."""

    def __init__(self, base: str, token: str, width: int = 100, height: int = 30) -> None:
        import pyte

        self.url = base.replace("http:", "ws:") + f"/ws?width={width}&height={height}"
        self.headers = {"Cookie": f"hashiya_token={token}", "Origin": base}
        self.screen_model = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen_model)

    async def __aenter__(self) -> SocketTab:
        import aiohttp

        self.session = aiohttp.ClientSession()
        self.ws = await self.session.ws_connect(self.url, headers=self.headers)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()
        await self.session.close()

    def screen(self) -> list[str]:
        return list(self.screen_model.display)

    async def send(self, *keys: str) -> None:
        for key in keys:
            await self.ws.send_json(["stdin", key])

    async def wait_for(self, found: Callable[[list[str]], bool], timeout: float = 90) -> list[str]:

        import aiohttp

        deadline = time.monotonic() + timeout
        while not found(self.screen()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the tab never showed it:\n" + "\n".join(self.screen()))
            try:
                message = await self.ws.receive(timeout=left)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.stream.feed(message.data)
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                raise AssertionError("the tab's app closed:\n" + "\n".join(self.screen()))
        return self.screen()
