"""A real Label Studio server for the interop test: started from its own virtualenv on a
loopback port with a data folder of its own, driven through its HTTP API and, for what it
draws, through headless Chromium.

Label Studio is not in the test extras (it pins its own Django stack), so the test is
opt-in: `make interop-labelstudio` builds the virtualenv and points
HASHIYA_LABELSTUDIO_VENV at it.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.browser import CHROMEDRIVER, CHROMIUM, free_port, wait_until

VENV_VARIABLE = "HASHIYA_LABELSTUDIO_VENV"
ADMIN_EMAIL = "hashiya@example.org"
ADMIN_PASSWORD = "hashiya-interop-1"
ADMIN_TOKEN = "4a1f0c7e9b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f"


def label_studio_binary() -> Path:
    """The `label-studio` command of the virtualenv the opt-in names."""
    venv = os.environ.get(VENV_VARIABLE)
    if not venv:
        raise RuntimeError(f"{VENV_VARIABLE} is not set (make interop-labelstudio sets it)")
    binary = Path(venv) / "bin" / "label-studio"
    if not binary.is_file():
        raise RuntimeError(f"{VENV_VARIABLE}={venv}: no bin/label-studio there")
    return binary


class LabelStudioServer:
    """`label-studio start` with its own data folder, an admin user and a legacy API token
    (set through its environment), on a free loopback port; output kept in a log."""

    def __init__(self, data: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        data.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": str(data),
            "LABEL_STUDIO_USERNAME": ADMIN_EMAIL,
            "LABEL_STUDIO_PASSWORD": ADMIN_PASSWORD,
            "LABEL_STUDIO_USER_TOKEN": ADMIN_TOKEN,
            # Token auth for scripts: new organisations get personal (JWT) tokens only.
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            # Nothing leaves the machine: no error reports, analytics or version check.
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "COLLECT_ANALYTICS": "false",
            "LATEST_VERSION_CHECK": "false",
        }
        self.log_path = log
        self._log = log.open("wb")
        command = [
            str(label_studio_binary()),
            "start",
            "--no-browser",
            "--port",
            str(self.port),
            "--host",
            self.base,
            "--internal-host",
            "127.0.0.1",
        ]
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=data
        )
        # The first start runs every migration: minutes on a busy machine.
        wait_until(self._healthy, 600, f"Label Studio on port {self.port}")

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError("label-studio exited:\n" + self.output()[-4000:])
        try:
            with urllib.request.urlopen(f"{self.base}/health", timeout=5) as response:
                if response.status != 200:
                    return False
            self.api("GET", "/api/current-user/whoami")
        except (OSError, urllib.error.HTTPError):
            return False
        return True

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """One API call with the admin's token; the JSON answer."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Token {ADMIN_TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:2000]
            raise AssertionError(f"{method} {path}: HTTP {exc.code}: {detail}") from None
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self._log.close()


# Every highlighted region of the Text object, as the page draws it.
HIGHLIGHTS = """
return Array.from(document.querySelectorAll('.lsf-richtext .htx-highlight'))
  .map(e => e.textContent);
"""

# Selects the n-th occurrence of a word in the Text object (a DOM range, as a mouse drag
# leaves it) and releases the mouse there, which is when Label Studio makes the region.
SELECT_WORD = """
const [word, nth] = arguments;
const root = document.querySelector('.lsf-richtext');
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
let seen = 0, node;
while ((node = walker.nextNode())) {
  if (node.parentElement.closest('.htx-highlight')) continue;
  let at = node.data.indexOf(word);
  while (at >= 0) {
    if (++seen === nth) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      const box = range.getBoundingClientRect();
      node.parentElement.dispatchEvent(new MouseEvent('mouseup',
        {bubbles: true, clientX: box.right, clientY: box.bottom}));
      return true;
    }
    at = node.data.indexOf(word, at + 1);
  }
}
return false;
"""


class LabelStudioPage:
    """Headless Chromium logged in to the server as the admin."""

    def __init__(self, server: LabelStudioServer, profile: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--window-size=1400,900",
        ):
            options.add_argument(flag)
        self.server = server
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.get(f"{server.base}/user/login/")
        self.driver.find_element(By.NAME, "email").send_keys(ADMIN_EMAIL)
        self.driver.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_until(lambda: "/user/login" not in self.driver.current_url, 60, "the login")

    def open_task(self, project: int, task: int, annotation: int, regions: int) -> list[str]:
        """Open one annotation of a task; the texts of its highlighted regions once it is
        the selected one and `regions` are drawn."""
        url = f"{self.server.base}/projects/{project}/data?task={task}&annotation={annotation}"
        self.driver.get(url)
        # The page may draw the latest annotation first and switch to the asked one after.
        selected = f".lsf-annotation-button_selected[data-annotation-id='{annotation}']"
        found: list[str] = []

        def drawn() -> bool:
            nonlocal found
            if not self.driver.execute_script(f"return document.querySelector({selected!r})"):
                self.driver.execute_script(
                    "const b = document.querySelector(arguments[0]); if (b) b.click();",
                    f".lsf-annotation-button[data-annotation-id='{annotation}']",
                )
                return False
            found = self.highlights()
            return len(found) >= regions

        wait_until(drawn, 120, f"{regions} regions drawn in annotation {annotation}")
        return found

    def highlights(self) -> list[str]:
        return list(self.driver.execute_script(HIGHLIGHTS))

    def highlight_colors(self) -> dict[str, str]:
        """Each highlighted text's background colour, as `rgb(r, g, b)` (alpha dropped)."""
        pairs = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('.lsf-richtext .htx-highlight'))"
            ".map(e => [e.textContent, getComputedStyle(e).backgroundColor]);"
        )
        return {
            text: "rgb({}, {}, {})".format(*(int(float(part)) for part in
                                             color.split("(")[1].rstrip(")").split(",")[:3]))
            for text, color in pairs
        }  # fmt: skip

    def draw_region(self, label: str, word: str, nth: int = 1) -> None:
        """Pick a label, then select a word as a mouse would: Label Studio makes a region."""
        from selenium.webdriver.common.by import By

        before = len(self.highlights())
        xpath = f"//span[contains(@class,'lsf-label__text') and normalize-space(.)={label!r}]"
        self.driver.find_element(By.XPATH, xpath).click()
        assert self.driver.execute_script(SELECT_WORD, word, nth), f"{word!r} not on the page"
        wait_until(lambda: len(self.highlights()) > before, 60, f"a region on {word!r}")

    def save(self) -> None:
        """Press Update (or Submit): the annotation is saved through the API."""
        from selenium.webdriver.common.by import By

        button = self.driver.find_element(
            By.XPATH, "//button[normalize-space(.)='Update' or normalize-space(.)='Submit']"
        )
        button.click()

    def screenshot(self, path: Path) -> Path:
        self.driver.save_screenshot(str(path))
        return path

    def close(self) -> None:
        self.driver.quit()
