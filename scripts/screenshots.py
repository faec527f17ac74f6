#!/usr/bin/env python
"""Screenshots of the main pages for the README, in docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--key PM-2025-014]

Builds a throwaway SQLite database in a temporary directory, migrates it and loads the demo company,
serves the site with `manage.py runserver` on a free loopback port, and drives Debian's Chromium
(/usr/bin/chromium) with Playwright: the login page, the postmortem list and one postmortem, each in the
light and the dark colour scheme, at desktop and phone width; then the other main pages (the editor,
history, search, patterns, reading, services, the dependency graph, assumptions) at desktop width in both
schemes. Nothing else on the machine is touched.
Run it again whenever a page changes, and commit the images with the change.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 860}, "device_scale_factor": 1},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True},
}
SCHEMES = ("light", "dark")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout


# The postmortem with the most to show: timeline events plus contributing factors, among published ones.
_PICK_KEY = """
from django.db.models import Count
from postmortems.models import Postmortem
pm = (Postmortem.objects.published()
      .annotate(parts=Count("timeline", distinct=True) + Count("contributing_factors", distinct=True))
      .order_by("-parts", "key").first())
print(pm.key if pm else "")
"""

# The service and the assumption with the most postmortems behind them, for their pages.
_PICK_CATALOG = """
from django.db.models import Count
from postmortems.models import Assumption, Service
service = Service.objects.annotate(n=Count("postmortem_links")).order_by("-n", "slug").first()
assumption = Assumption.objects.annotate(n=Count("evidence")).order_by("-n", "pk").first()
print(service.slug if service else "", assumption.pk if assumption else "")
"""


def _more_pages(key: str, service: str, assumption: str) -> dict[str, str]:
    """The other main pages, shot at desktop width only."""
    pages = {
        "editor": f"/postmortems/{key}/edit/",
        "history": f"/postmortems/{key}/history/",
        "search": "/search/?q=cache",
        "patterns": "/patterns/",
        "reading": "/reading/",
        "services": "/services/",
        "graph": "/services/graph/",
        "assumptions": "/assumptions/",
    }
    if service:
        pages["service"] = f"/services/{service}/"
    if assumption:
        pages["assumption"] = f"/assumptions/{assumption}/"
    return pages


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited early with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server did not answer {url} within {timeout:.0f} s")


def _shoot(base_url: str, key: str, more: dict[str, str], out: Path, username: str, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for device, options in DEVICES.items():
            for scheme in SCHEMES:
                context = browser.new_context(base_url=base_url, color_scheme=scheme, **options)
                page = context.new_page()
                shots = {"login": "/accounts/login/", "list": "/", "detail": f"/postmortems/{key}/"}
                for name, path in shots.items():
                    page.goto(path)
                    if name == "login":
                        page.wait_for_load_state("networkidle")
                        written.append(_save(page, out / f"{name}-{device}-{scheme}.png"))
                        page.get_by_label("Username").fill(username)
                        page.get_by_label("Password").fill(password)
                        page.get_by_role("button", name="Log in").click()
                        page.wait_for_url("**/")
                        continue
                    page.wait_for_load_state("networkidle")
                    written.append(_save(page, out / f"{name}-{device}-{scheme}.png"))
                if device == "desktop":
                    for name, path in more.items():
                        page.goto(path)
                        page.wait_for_load_state("networkidle")
                        written.append(_save(page, out / f"{name}-{device}-{scheme}.png"))
                context.close()
        browser.close()
    return written


def _save(page, path: Path) -> Path:
    # Nothing focused and the caret hidden, so the images do not change between runs for no reason.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(path), caret="hide", animations="disabled")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where the PNGs go")
    parser.add_argument("--key", default="", help="postmortem for the detail page (default: the richest one)")
    parser.add_argument("--username", default="demo", help="demo user to log in as (default: demo)")
    args = parser.parse_args()

    if not CHROMIUM.exists():
        sys.exit("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        sys.exit("needs Playwright: pip install -r requirements.txt")

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-screenshots-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
            "DEBUG": "true",  # runserver serves the static files
            "CELERY_BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
        }
        password = "demo"
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_demo", "--password", password)
        key = args.key or _manage(env, "shell", "--no-imports", "-c", _PICK_KEY).strip()
        if not key:
            sys.exit("the demo has no published postmortem to show")
        service, assumption = (_manage(env, "shell", "--no-imports", "-c", _PICK_CATALOG).split() + ["", ""])[:2]
        more = _more_pages(key, service, assumption)

        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(f"{base_url}/healthz", server)
            written = _shoot(base_url, key, more, args.out, args.username, password)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
