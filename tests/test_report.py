"""The board report: Markdown and one self-contained HTML page, checked in a real browser too."""
from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor import evaluate, load_profile
from advisor.cli.app import cli
from advisor.render.assessment import ASSESSMENT_FORMATS
from advisor.advice.questionnaire import QUESTIONS
from advisor.render.report import as_html, as_report, board, citations
from advisor.render.escape import markdown

from conftest import PROFILES, ROOT

AUTOMOTIVE = ROOT / "profiles" / "automotive-supplier.yaml"


@pytest.fixture(scope="module")
def automotive(rb):
    return evaluate(load_profile(AUTOMOTIVE), rules=rb)


def plan(assessment):
    return [r for r in assessment.recommendations if r.priority is not None]


def test_report_formats_are_registered_for_evaluate():
    assert ASSESSMENT_FORMATS["report"] is as_report and ASSESSMENT_FORMATS["html"] is as_html
    for fmt in ("report", "html"):
        result = CliRunner().invoke(cli, ["evaluate", str(AUTOMOTIVE), "--format", fmt])
        assert result.exit_code == 0 and "Moravia Pressings" in result.stdout


def test_markdown_report_reads_like_a_board_paper(automotive):
    text = as_report(automotive)
    sections = re.findall(r"^## (.+)$", text, flags=re.M)
    assert sections == ["Summary", "Next steps", "The plan", "Three-year cost", "Other schemes to plan for",
                        "What to leave for now", "Open questions that could change the plan", "How certification works",
                        "How to choose a certification body"]
    summary = text.split("## Summary\n\n")[1].split("\n\n")
    assert summary[0].startswith("- **IATF 16949**: Certify")      # decisions first
    assert summary[1].startswith("For Moravia Pressings a\\.s. we recommend certifying IATF 16949")
    assert "Start with IATF 16949" in summary[1] and "months" in summary[1]
    assert summary[2].startswith("Deadline: a certificate within 12 months. Fits the deadline")
    assert "\nCost over the three-year certificate cycle: about 75 auditor-days, EUR " \
           "56,250-123,750 in audit fees" in summary[2]
    ordered = re.findall(r"^### (\d+)\. ([^:]+):", text, flags=re.M)
    assert ordered == [(str(r.priority), r.standard.replace("/", "/")) for r in plan(automotive)]
    assert "Prerequisites: ISO 9001 as its base (in place)" in text
    assert "11 auditor-days" in text                      # IATF 16949 effort from the assessment
    for words in ("stage 1", "Stage 2", "surveillance", "three years", "certifies no one",
                  "IAF MLA", "several bodies", "consulting", "IATF-recognised"):
        assert words in text, words
    assert QUESTIONS["annual_energy_tj"].text in text      # the unknown, as its question
    assert "domain notes" not in text.lower() and "iso-advisor rules show" not in text
    assert (f"[{markdown('vda-qmc.de: faq zertifizierungs schema')}]"
            "(<https://vda-qmc.de/en/iatf/faq-zertifizierungs-schema>)") in text


def test_report_leads_with_date_decisions_deadline_cost_and_next_steps(rb):
    profile = load_profile(AUTOMOTIVE)
    b = board(evaluate(profile, rules=rb), profile, prepared="2026-12-01")
    assert b.prepared == "2026-12-01" and b.as_of
    assert b.decisions[0] == ("IATF 16949", "Certify", "certify")
    assert b.deadline == ("Deadline: a certificate within 12 months. Fits the deadline of 12 "
                          "months: IATF 16949 typically certified by month 9.")
    assert b.cost.startswith("Cost over the three-year certificate cycle: about 75 auditor-days")
    assert "estimates" in b.cost
    owners = dict(b.next_steps)
    assert owners["Approve the plan and its budget; name one person to lead it."] == \
        "Managing director (CEO)"
    assert any(step.startswith("Start IATF 16949") and owner == "Quality manager"
               for step, owner in b.next_steps)
    tight = profile.model_copy(update={"deadline_months": 6})
    late = board(evaluate(tight, rules=rb), tight)
    assert "cannot be met as planned: IATF 16949 is typically certified by month 9-12, 3 " \
           "months late" in late.deadline


def test_warnings_come_before_the_plan_in_html(rb):
    a = evaluate({"name": "Tight Co", "sector": "construction", "employees": 60,
                  "bids_for_tenders": True, "tender_requirements": ["ISO 9001"],
                  "deadline_months": 2, "certified": ["ISO 26000"]}, rules=rb)
    page = as_html(a)
    assert a.warnings and page.index('id="warnings"') < page.index('id="roadmap"')
    assert page.index('id="summary"') < page.index('id="warnings"')


@pytest.mark.parametrize("source,expected", [
    ("ISO certification page (mirror: http://eiscaa.org/Pages/view.aspx?PostID=6); domain notes §1.1-1.2",
     [("ISO certification page", "http://eiscaa.org/Pages/view.aspx?PostID=6")]),
    ("Domain notes §1.2 (Kosutic: banks implement ISO 27001, few certify) and §0", []),
    ("Directive (EU) 2022/2555 Art. 21 and 24; https://nis2resources.eu/?p=823 (domain notes §1.5)",
     [("Directive (EU) 2022/2555 Art. 21 and 24", "https://eur-lex.europa.eu/eli/dir/2022/2555/oj"),
      ("nis2resources.eu", "https://nis2resources.eu/?p=823")]),
    ("Directive 2014/24/EU Art. 62; UK PCR 2015 reg. 62 (domain notes §1.3)",
     [("Directive 2014/24/EU Art. 62", "https://eur-lex.europa.eu/eli/dir/2014/24/oj"),
      ("UK PCR 2015 reg. 62", None)]),
])
def test_sources_become_titled_links_without_internal_notes(source, expected):
    assert [(c.title, c.url) for c in citations(source)] == expected


def test_no_sample_report_shows_internal_references(rb):
    for path in PROFILES:
        a = evaluate(load_profile(path), rules=rb)
        for page in (as_html(a), as_report(a)):
            assert "domain notes" not in page.lower() and "iso-advisor rules show" not in page


def test_what_to_leave_explains_each_standard_left_out(automotive):
    b = board(automotive)
    left = " ".join(what for what, _ in b.leave)
    for rec in automotive.recommendations:
        if rec.priority is None:
            assert rec.standard in left
    assert any("ISO 50001" == what and "annual_energy_tj" in why for what, why in b.leave)


def test_roadmap_runs_systems_together_as_far_as_the_organization_can_carry(automotive):
    """450 people and a moderate budget: three projects at a time (planning.yaml); the two
    harmonized-structure systems of the first wave run as one project, a month longer."""
    steps = {s.rec.standard: s for s in board(automotive).steps}
    assert automotive.roadmap.concurrency == 3
    assert steps["IATF 16949"].start == 0 and steps["IATF 16949"].ready == (9, 12)
    assert steps["ISO/IEC 27001"].start == steps["ISO 22301"].start == 0
    assert steps["ISO/IEC 27001"].ready == (10, 13)                 # 9-12 months + 1 integrated
    assert steps["ISO 45001"].start == 9 and steps["ISO 45001"].ready == (18, 21)
    assert steps["ISO 9001"].ready == steps["IATF 16949"].ready     # built inside IATF 16949
    assert steps["ISO 14001"].in_place
    assert [what for _, what in steps["IATF 16949"].milestones] == [
        "stage 1 audit (readiness)", "stage 2 audit (effectiveness)", "certification decision"]


def test_base_standard_is_built_alongside_the_one_that_needs_it(rb):
    profile = {"name": "Gear Co", "sector": "automotive", "employees": 120,
               "customer_sectors": ["automotive"], "countries": ["US"]}
    steps = {s.rec.standard: s for s in board(evaluate(profile, rules=rb)).steps}
    assert steps["ISO 9001"].start == steps["IATF 16949"].start == 0
    assert "ISO 9001 as its base, built alongside it" in steps["IATF 16949"].prerequisites


def test_nothing_to_recommend_still_makes_a_report(rb):
    a = evaluate(load_profile(ROOT / "profiles" / "micro-consultancy.yaml"), rules=rb)
    text, page = as_report(a), as_html(a)
    assert "Nothing in the answers for Brennan Advisory Ltd calls for" in text
    assert "## The plan" not in text and "How certification works" in page


def test_html_is_self_contained_and_escaped(rb):
    a = evaluate({"name": "<script>alert('x')</script> & Sons", "sector": "construction",
                  "employees": 60, "bids_for_tenders": True, "tender_requirements": ["ISO 9001"]},
                 rules=rb)
    page = as_html(a)
    assert "<script" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Sons" in page
    for asset in ("<link", "src=", "url(", "@import"):       # links to sources, but no assets
        assert asset not in page, asset
    assert not re.search(r"<(?!a )[^>]+https?://", page)     # a URL only in a link's href
    assert "@page { size: A4" in page and "@media print" in page
    assert 'counter(page) " of " counter(pages)' in page      # page numbers
    running = re.search(r'@bottom-left \{ content: "([^"]*)"', page).group(1)
    assert "</" not in running and "\\3c " in running          # the name cannot end the style


def test_html_has_the_roadmap_and_the_plan(automotive):
    page = as_html(automotive)
    roadmap = page[page.index('<ol class="roadmap"'):page.index("</ol>")]
    for rec in plan(automotive):
        assert f"{rec.priority}. {rec.standard}" in roadmap
        assert f"<h3>{rec.priority}. {rec.standard}</h3>" in page
    bars = re.findall(r'class="bar (certify|implement)" style="left:([\d.]+)%;width:([\d.]+)%"',
                      roadmap)
    assert len(bars) == 4 and all(float(w) > 0 for _, _, w in bars)   # 4 projects
    assert roadmap.count('class="bar keep"') == 1                 # ISO 9001 inside IATF 16949
    assert "certified by month 9-12" in roadmap and "in place by month 18-21" in roadmap
    assert max(float(left) + float(w) for _, left, w in bars) <= 100
    assert roadmap.count('class="mark"') == 2 * 3                # stage 1, stage 2, decision
    assert 'class="deadline"' in roadmap and "Fits the deadline of 12 months" in page



def test_reasons_that_need_the_system_but_not_its_certificate_stand_apart_on_the_card(rb):
    """A SaaS firm certifies ISO/IEC 27001 for its buyers; NIS2 and GDPR need the system, not
    the certificate: the card shows them under their own heading, never as reasons to certify."""
    a = evaluate(load_profile(ROOT / "profiles" / "saas-startup.yaml"), rules=rb)
    rec = next(r for r in a.recommendations if r.standard == "ISO/IEC 27001")
    assert rec.decision == "certify" and {r.rule for r in rec.also} >= {"nis2-security-likely"}
    page = as_html(a)
    card = page[page.index("<h3>1. ISO/IEC 27001</h3>"):]
    card = card[:card.index("</article>")]
    why, also = card.split("Also needs the system, not the certificate")
    for reason in rec.also:
        assert escape_html(reason.text) in also and escape_html(reason.text) not in why
        assert reason.rule in also                              # the rules line names it
    for reason in rec.reasons:
        assert escape_html(reason.text) in why
    assert "Directive (EU) 2022/2555" in also                       # NIS2 cited in the sources
    text = as_report(a)
    section = text[text.index("### 1. ISO/IEC 27001"):]
    section = section[:section.index("\n### ", 1)]
    assert "\nAlso needs the system, not the certificate:\n\n- " in section
    assert "`nis2-security-likely`" in section
    without = evaluate(load_profile(AUTOMOTIVE), rules=rb)
    assert not any(r.also for r in without.recommendations if r.standard == "IATF 16949")
    iatf = as_html(without)
    iatf = iatf[iatf.index("<h3>1. IATF 16949</h3>"):]
    assert "Also needs the system" not in iatf[:iatf.index("</article>")]


def escape_html(text: str) -> str:
    import html
    return html.escape(text, quote=True)

@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_reports_are_deterministic_for_every_sample(path, rb):
    a = evaluate(load_profile(path), rules=rb)
    assert as_html(a) == as_html(evaluate(load_profile(path), rules=rb))
    assert as_report(a).startswith("# Management-system certification plan for "
                                   + markdown(a.organization))


# -- in a real browser ------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, timeout=120, check=True)


def png_pixels(data: bytes, rows: int) -> set[tuple[int, ...]]:
    """Distinct colours in the first `rows` rows of an 8-bit RGB/RGBA PNG (a tiny decoder)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat += body
        pos += size + 12
    raw, bpp = zlib.decompress(idat), 3 if ctype == 2 else 4
    stride, prev, colours = width * bpp, bytearray(width * bpp), set()
    for y in range(min(rows, height)):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 2:       # "up", the commonest filter: no dependency along the row
            line, kind = bytearray((a + b) & 255 for a, b in zip(line, prev)), 0
        for i in range(stride if kind else 0):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        colours.update(zip(line[0::bpp], line[1::bpp], line[2::bpp]))
        prev = line
    return colours


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.slow
@pytest.mark.browser
def test_html_renders_in_a_real_browser(tmp_path, automotive):
    page = tmp_path / "report.html"
    page.write_text(as_html(automotive), encoding="utf-8")
    url = page.resolve().as_uri()
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", url)
    colours = png_pixels(shot.read_bytes(), rows=1400)     # summary, next steps and roadmap
    assert len(colours) > 50, "the page looks blank"
    assert (0x1f, 0x4e, 0x79) in colours and (0x1f, 0x70, 0x68) in colours   # roadmap bars drawn
    dom = chromium(tmp_path, "--dump-dom", url).stdout.decode("utf-8")
    for text in ("Moravia Pressings a.s.", "The plan, in order", "How to choose a certification body",
                 "certified by month 9-12", "Next steps"):
        assert text in dom, text
    for rec in plan(automotive):
        assert f"{rec.priority}. {rec.standard}" in dom


PDFTOTEXT = Path("/usr/bin/pdftotext")


@pytest.mark.skipif(not (CHROMIUM.exists() and PDFTOTEXT.exists()),
                    reason="needs Debian's chromium and poppler-utils")
@pytest.mark.slow
@pytest.mark.browser
def test_evaluate_writes_a_real_pdf_with_page_numbers_and_footer(tmp_path):
    out = tmp_path / "board.pdf"
    result = CliRunner().invoke(cli, ["evaluate", str(AUTOMOTIVE), "--format", "pdf",
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)
    text = subprocess.run([str(PDFTOTEXT), "-layout", str(out), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    pages = text.split("\f")[:-1]
    assert 3 <= len(pages) <= 8
    for n, page in enumerate(pages, 1):               # running footer and page number on each
        assert f"Page {n} of {len(pages)}" in page
        assert "Management-system certification plan for Moravia Pressings a.s." in page
    assert "Next steps" in pages[0] and "IATF 16949" in pages[0]   # decisions on page one
    assert "domain notes" not in text.lower()


def test_pdf_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))          # no browser anywhere on PATH
    monkeypatch.delenv("ISO_ADVISOR_CHROMIUM", raising=False)
    out = tmp_path / "board.pdf"
    result = CliRunner().invoke(cli, ["evaluate", str(AUTOMOTIVE), "--format", "pdf",
                                      "--output", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "headless Chromium" in result.stderr and "Traceback" not in result.stderr
