"""The board report as a PDF, printed by headless Chromium from the report's own HTML.

Chromium rather than WeasyPrint: the advisor's HTML is already checked in Chromium (screenshots,
the browser tests), so the PDF is the same layout a reader sees on screen; Chromium prints CSS
paged media (page size, page-number and running-footer margin boxes, no card split across pages);
and it is one Debian package with no Python dependency, where WeasyPrint would add Pango and a
second layout engine to keep in step. `ISO_ADVISOR_CHROMIUM` names another Chromium or Chrome.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from advisor.errors import Problem, RenderError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-extensions", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")


def chromium_path() -> str:
    """The browser that prints, or RenderError saying how to get one."""
    named = os.environ.get("ISO_ADVISOR_CHROMIUM")
    if named:
        if shutil.which(named) is None:
            raise RenderError([Problem(f"ISO_ADVISOR_CHROMIUM names '{named}', which is not an "
                                       "executable program")])
        return str(shutil.which(named))
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise RenderError([Problem("a PDF is printed by headless Chromium, and none was found "
                               "(install it, for example `apt-get install chromium`, or name it "
                               "in ISO_ADVISOR_CHROMIUM); --format html gives the same report "
                               "to print from any browser")])


def html_to_pdf(html: str) -> bytes:
    """Print one self-contained HTML page to PDF (A4, as its CSS says)."""
    browser = chromium_path()
    with tempfile.TemporaryDirectory(prefix="iso-advisor-pdf-") as folder:
        page, out = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        try:
            done = subprocess.run(
                [browser, *_FLAGS, f"--user-data-dir={Path(folder) / 'profile'}",
                 f"--print-to-pdf={out}", page.as_uri()],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise RenderError([Problem(f"Chromium did not print the report within "
                                       f"{TIMEOUT_SECONDS} s")]) from None
        except OSError as exc:
            raise RenderError([Problem(f"Chromium could not be started: {exc.strerror}")]) from None
        if not out.is_file() or out.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise RenderError([Problem(f"Chromium printed no PDF (exit {done.returncode}) "
                                       f"{detail[0][:200]}".rstrip())])
        return out.read_bytes()
