"""The report in a real headless browser (Debian chromium), driven over the DevTools protocol.

No extra Python dependency: chromium is started with ``--remote-debugging-pipe`` and spoken to
through two pipes (fds 3 and 4, NUL-separated JSON), which is what Playwright and Puppeteer do.
If chromium is missing the test installs it with apt-get (we are root on the CI machine); it is
skipped, with the reason, only when that is not possible, and fails under CI=true.
"""

from __future__ import annotations

import base64
import fcntl
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
SHOTS = Path(tempfile.gettempdir())


def _fixture_module():
    """The hand-built session of test_report.py, imported by path (works in any pytest import mode)."""
    spec = importlib.util.spec_from_file_location("_report_session_fixture", HERE / "test_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _find_chromium() -> str | None:
    for name in (os.environ.get("ROLEGRID_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _chromium_or_skip() -> str:
    found = _find_chromium()
    if found:
        return found
    why = "chromium is not installed"
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
            res = subprocess.run(
                ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-qq", "chromium"],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            found = _find_chromium()
            if found:
                return found
            why += f" and `apt-get install -y chromium` failed: {res.stderr.strip()[-300:]}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            why += f" and apt-get could not run ({exc})"
    else:
        why += " and cannot be installed here (needs root and apt-get): apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(f"browser test must run in CI: {why}")
    pytest.skip(why)


class Browser:
    """A headless chromium and a minimal DevTools-protocol client over its debugging pipe."""

    FLAGS = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
        "--remote-debugging-pipe",
    ]

    def __init__(self, executable: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def child_fds() -> None:  # chromium reads commands on fd 3 and writes replies on fd 4
            # move both ends above 4 first: a pipe end may itself be fd 3 or 4 (dup2 onto itself
            # would keep its close-on-exec flag, and one dup2 could clobber the other end)
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.log = open(profile / "chromium.log", "wb")
        self.proc = subprocess.Popen(
            [executable, *self.FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=child_fds,
            close_fds=False,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next = 0
        self._replies: dict[int, dict] = {}
        self._cond = threading.Condition()
        self.all_events: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._replies[-1] = {"closed": True}
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.all_events.append(msg)

    def send(
        self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30
    ) -> dict:
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._next not in self._replies:
                if -1 in self._replies:
                    raise RuntimeError(f"chromium closed the pipe while waiting for {method}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no reply to {method} within {timeout}s")
                self._cond.wait(left)
            reply = self._replies.pop(self._next)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - it may already be gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()


class Page:
    def __init__(self, browser: Browser) -> None:
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        return self.b.send(method, params, self.session, timeout)

    def js(self, expression: str, timeout: float = 30):
        res = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout,
        )
        if "exceptionDetails" in res:
            raise AssertionError(f"JS error in {expression!r}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15, what: str = ""):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what or expression}")

    def click(self, selector: str, fx: float = 0.5) -> None:
        """A real mouse click inside the element (``fx`` of its width from the left), after scrolling to it."""
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            f" const r = e.getBoundingClientRect(); return [r.left + r.width * {fx}, r.top + r.height / 2]; }})()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )

    def press_enter(self) -> None:
        common = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", **common})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    def screenshot(self, path: Path, full: bool = False) -> None:
        params = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": min(size["height"], 6000),
                "scale": 1,
            }
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", params)["data"]))

    def errors(self) -> list[str]:
        out = []
        for ev in self.b.all_events:
            if ev.get("sessionId") != self.session:
                continue
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(json.dumps(p["exceptionDetails"])[:500])
            elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append(json.dumps(p.get("args"))[:500])
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(p["entry"].get("text", "")[:500])
        return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = _chromium_or_skip()
    profile = tmp_path_factory.mktemp("chromium-profile")
    b = Browser(exe, profile)
    try:
        try:
            b.send("Browser.getVersion", timeout=60)
        except (RuntimeError, TimeoutError, OSError) as exc:
            b.log.flush()
            log = (profile / "chromium.log").read_text(errors="replace")[-1500:]
            pytest.fail(f"{exe} did not start ({exc}); its output:\n{log}")
        yield b
    finally:
        b.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from pipeline.report import render_report

    fx = _fixture_module()
    folder = fx.write_session(
        tmp_path_factory.mktemp("browser-session") / "séance 01"
    )  # space + accent in the path
    return render_report(folder, fx.WAV)


def test_report_in_headless_chromium(browser, report):
    page = Page(browser)
    page.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    url = report.as_uri()
    page.send("Page.navigate", {"url": url})
    page.wait_for(
        f"location.href === {json.dumps(url)} && document.readyState === 'complete'", what="page load"
    )

    # the grid is shown: 20 criteria, laid out with a visible size
    assert page.js("document.querySelectorAll('li[data-criterion]').length") == 20
    assert page.js(
        "[...document.querySelectorAll('li[data-criterion]')].every(e => e.getBoundingClientRect().height > 20)"
    )
    # the recording beside the page loads (relative src, CSP allows it)
    page.wait_for("document.getElementById('rg-audio').readyState >= 1", what="audio metadata")
    assert page.js("document.getElementById('rg-audio').error") is None
    assert page.js("document.getElementById('rg-audio').duration") == pytest.approx(47.4, abs=0.3)

    page.screenshot(SHOTS / "rolegrid_report_top.png")

    # Seeks are read where the player completes them ('seeked'): a step or an evidence item also starts
    # playback, so polling currentTime could miss the window on a loaded machine.
    page.js(
        "window.__seeks = []; document.getElementById('rg-audio')"
        ".addEventListener('seeked', e => window.__seeks.push(e.target.currentTime)); true"
    )

    def wait_for_seek(t: float, what: str) -> None:
        page.wait_for(f"window.__seeks.some(x => Math.abs(x - {t}) < 1.0)", what=what)
        page.js("window.__seeks = []; true")

    # clicking an evidence item seeks the audio there and plays
    target = "#crit-C4-2 button.ev"
    t = float(page.js(f"document.querySelector('{target}').dataset.time"))
    page.click(target)
    wait_for_seek(t, "seek to evidence")
    assert page.js("document.getElementById('rg-audio').paused") is False
    # the turn being played is highlighted in the transcript
    page.wait_for("document.querySelector('#turn-t7.current') !== null", what="current turn highlighted")
    page.screenshot(SHOTS / "rolegrid_report_grid.png")

    # keyboard: Tab-focusable evidence button, Enter seeks
    target2 = "#crit-C5-2 button.ev"
    t2 = float(page.js(f"document.querySelector('{target2}').dataset.time"))
    page.js(f"document.querySelector('{target2}').focus()")
    page.press_enter()
    wait_for_seek(t2, "keyboard seek")
    page.js("document.getElementById('rg-audio').pause()")

    # a click on a step in the timeline seeks to its start
    page.click(".tl-steps button.step-3")
    wait_for_seek(15.5, "step seek")
    page.js("document.getElementById('rg-audio').pause()")

    # a click in a speaker lane seeks to that point of the session (0.25 of 47.4 s)
    page.click('.tl-track[data-lane="client"]', fx=0.25)
    wait_for_seek(11.85, "lane seek")
    page.js("document.getElementById('rg-audio').pause()")

    page.screenshot(SHOTS / "rolegrid_report_full.png", full=True)
    assert page.errors() == []

    # print: no player, transcript unclipped, a real PDF
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.js("getComputedStyle(document.querySelector('.player')).display") == "none"
    assert page.js("getComputedStyle(document.getElementById('rg-turns')).overflowY") == "visible"
    assert page.js("getComputedStyle(document.querySelector('.ev-time')).display") != "none"
    page.send("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(
        page.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, timeout=60)["data"]
    )
    assert pdf.startswith(b"%PDF")
    (SHOTS / "rolegrid_report.pdf").write_bytes(pdf)
    assert len(pdf) > 20000
