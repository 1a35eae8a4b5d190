"""The web questionnaire in a real headless Chromium (Debian's, driven by Playwright), for three
organizations: every screen answered as a person would, going back, a reload, a decimal comma,
then the plan and the PDF; the same answers through `iso-advisor ask` give the same assessment,
byte for byte. Set ISO_ADVISOR_SCREENSHOTS=DIR to keep screenshots at desktop and phone width."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fastapi")

from advisor.advice.questionnaire import QUESTIONS  # noqa: E402
from advisor.inputs.loaders import load_profile  # noqa: E402

from conftest import ROOT  # noqa: E402
from test_cli_ask import run as run_ask  # noqa: E402
from test_questionnaire import script_for, typed  # noqa: E402
from webserver import app_with_pages, running  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists() or not PDFTOTEXT,
                                 reason="needs Debian's chromium and poppler-utils")]
SHOTS = os.environ.get("ISO_ADVISOR_SCREENSHOTS")


def sample(stem: str, **changes) -> dict:
    """A sample profile's answers, lists of options in the order the screen lists them (ticking
    boxes gives that order; the terminal is typed the same)."""
    data = {**load_profile(ROOT / "profiles" / f"{stem}.yaml").model_dump(), **changes}
    for name, q in QUESTIONS.items():
        if q.kind == "choices" and data.get(name):
            data[name] = [c for c in q.choices if c in data[name]]
    return data


#: (organization, how the browser types some answers, what happens on the way)
ORGANIZATIONS = [
    (sample("energy-intensive-manufacturer", annual_energy_tj=9.0),
     {"annual_energy_tj": "2,5 GWh"}, "back"),              # a decimal comma with a unit
    (sample("construction-public-tenders"), {}, "reload"),
    (sample("saas-startup"), {"annual_energy_tj": "0,4"}, "back"),
]


@pytest.fixture(scope="module")
def base_url():
    with running(app_with_pages()) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def field_of(url: str) -> str | None:
    path = url.split("?", 1)[0]
    return path.split("/ask/", 1)[1] if "/ask/" in path else None


def answer_screen(page, name: str, value, typed_as: dict) -> None:
    """Answer the question on screen as a person would, and press Continue."""
    q = QUESTIONS[name]
    if value is None and not q.required:
        page.get_by_role("button", name="I don't know").click()
        return
    if q.kind == "choices":
        for box in page.locator("input[type=checkbox]").all():
            box.set_checked(box.get_attribute("value") in (value or []))
    elif q.kind in ("choice", "yesno"):
        wanted = ("yes" if value else "no") if q.kind == "yesno" else value
        page.locator(f"input[type=radio][value='{wanted}']").check()
    else:
        page.get_by_label(q.text).fill(typed_as.get(name, typed(name, value)))
    page.get_by_role("button", name="Continue").click()
    if page.locator("#confirm").count():               # a number read with a unit or comma
        assert name in typed_as, name
        page.get_by_role("button", name="Yes, continue").click()


@pytest.mark.parametrize("org,typed_as,detour", ORGANIZATIONS,
                         ids=[o["name"].split()[0].lower() for o, _, _ in ORGANIZATIONS])
def test_three_organizations_through_the_browser(org, typed_as, detour, base_url, browser,
                                                 tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(base_url + "/")
    shot(page, f"{org['name'][:6]}-start-1280")
    page.get_by_role("button", name="Start the questionnaire").click()
    asked, detoured = [], False
    for _ in range(60):
        name = field_of(page.url)
        if name is None:
            break
        asked.append(name)
        if len(asked) == 4:
            shot(page, f"{org['name'][:6]}-question-1280")
            page.set_viewport_size({"width": 390, "height": 844})
            shot(page, f"{org['name'][:6]}-question-390")
            page.set_viewport_size({"width": 1280, "height": 900})
        if len(asked) == 4 and not detoured:
            detoured = True
            if detour == "reload":                    # answers survive a reload
                page.reload()
                assert field_of(page.url) == name
            else:                                      # back, see the answer kept, forward
                page.get_by_role("link", name="Back").click()
                previous = field_of(page.url)
                assert previous == asked[-2]
                page.get_by_role("link", name="Forward to the next question").click()
                assert field_of(page.url) == name
        answer_screen(page, name, org.get(name), typed_as)
        if page.locator("#error").count():
            raise AssertionError(f"{name}: {page.locator('#error').inner_text()}")
    assert page.url.split("?")[0].endswith("/review")
    for name in typed_as:
        assert name in asked, f"{name} was not asked, so '{typed_as[name]}' was not typed"
    shot(page, f"{org['name'][:6]}-review-1280")
    page.get_by_role("link", name="See the plan").click()
    report = page.locator("main").inner_text()
    assert f"Management-system certification plan for {org['name']}" in report
    assert "Next steps" in report and "Roadmap" in report
    shot(page, f"{org['name'][:6]}-report-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"{org['name'][:6]}-report-390")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Board report (PDF)").click()
    pdf = tmp_path / "board.pdf"
    pdf_download.value.save_as(pdf)
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    pages = text.split("\f")[:-1]
    assert pages and f"Page 1 of {len(pages)}" in pages[0]
    assert org["name"] in pages[0]
    if SHOTS:
        shutil.copy(pdf, Path(SHOTS) / f"{org['name'][:6]}-board.pdf")

    with page.expect_download() as json_download:
        page.get_by_role("link", name="Assessment (JSON)").click()
    web_json = Path(json_download.value.path()).read_text(encoding="utf-8")
    context.close()

    # the same answers through the terminal questionnaire: the same assessment, byte for byte
    terminal = run_ask(["--format", "json"], script_for(org))
    assert terminal.exit_code == 0, terminal.output
    assert web_json == terminal.stdout
    for rec in [r for r in __import__("json").loads(web_json)["recommendations"]
                if r["priority"] is not None]:
        assert rec["standard"] in report


#: In the page (the test's script; the app has none): every visible piece of text, its colour,
#: the colour behind it (the nearest ancestor with a background) and whether it is large text.
TEXT_COLOURS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const behind = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                        if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = e.getBoundingClientRect(), st = getComputedStyle(e);
    if (!own || box.width === 0 || box.right < 0 || st.visibility === 'hidden') continue;
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    out.push({text: e.innerText.slice(0, 40), fg: rgb(st.color).slice(0, 3), bg: behind(e),
              large: size >= 24 || (bold && size >= 18.66)});
  }
  return out;
}"""


def contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    def luminance(c):
        lin = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4
               for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def low_contrast(page) -> list[str]:
    return [f"{t['text']!r}: {contrast(t['fg'], t['bg']):.2f}"
            for t in page.evaluate(TEXT_COLOURS)
            if contrast(t["fg"], t["bg"]) < (3.0 if t["large"] else 4.5)]


FOCUSED = """() => { const e = document.activeElement, st = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || e.value || '').trim().slice(0, 40),
          outline: st.outlineStyle, colour: (st.outlineColor.match(/[\\d.]+/g) || []).map(Number).slice(0, 3)}; }"""


def tab(page) -> dict:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


def test_keyboard_alone_answers_and_every_text_is_readable(base_url, browser):
    """A person without a mouse: the tab order follows the page, focus is visible (outline at
    3:1 or more against the page), a question is answered and an error corrected with keys alone;
    every text on the start, question, error, review and report pages has a WCAG AA contrast."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/")
    assert low_contrast(page) == []
    order = [tab(page) for _ in range(7)]
    assert [(f["tag"], f["id"] or f["text"]) for f in order] == [
        ("a", "Skip to the question"), ("a", "ISO certification advisor"), ("select", "decimal"),
        ("button", "Start the questionnaire"), ("input", "profile"), ("textarea", "pasted"),
        ("button", "Continue from this profile")]
    for f in order:
        assert f["outline"] != "none" and contrast(f["colour"], [255, 255, 255]) >= 3, f
    page.goto(base_url + "/start")
    assert [tab(page)["id"] for _ in range(3)][-1] == "answer"      # skip link, home, the field
    page.keyboard.type("Keyboard Only Ltd")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ask/sector*")
    while tab(page)["id"] != "opt-1":                                # the first option
        pass
    page.keyboard.press("ArrowDown")                                 # radios move with arrows
    page.keyboard.press("Enter")
    page.wait_for_url("**/ask/employees*")
    page.keyboard.press("Tab"), page.keyboard.press("Tab"), page.keyboard.press("Tab")
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error")
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "answer", focused                        # focus lands on the field
    assert page.get_attribute("#answer", "aria-describedby") == "help error"
    assert low_contrast(page) == []
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/ask/employees" not in url)
    assert low_contrast(page) == []
    page.goto(page.url.replace(page.url.split("?")[0], base_url + "/review"))
    assert low_contrast(page) == []
    page.get_by_role("link", name="See the plan").click()
    assert "Keyboard Only Ltd" in page.locator("h1").inner_text()
    assert low_contrast(page) == []
    page.close()
