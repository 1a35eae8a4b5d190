"""The questionnaire library: questions from the model, answers parsed, relevance from the rules.

`answering` and `script_for` here are also used by test_cli_ask.py to build scripted input.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import evaluate
from advisor.errors import ProfileError
from advisor.inputs.loaders import load_profile
from advisor.advice.models import ASKED_FIELDS as FIELDS, Profile, label
from advisor.advice.questionnaire import (DONT_KNOW_ANSWER, QUESTIONS, Interview, Relevance, explain,
                                   interview, load_start, parse_answer, profile_yaml)
from advisor.kernel.rulebase import load
from advisor.advice.wording import WORDING

from conftest import ROOT

#: A typical mid-sized company, as a user would answer (None = "don't know").
ACME = {"name": "Acme Metal Works", "sector": "manufacturing", "employees": 80, "sites": 1,
        "countries": ["DE", "FR"], "customer_types": ["businesses"],
        "customer_sectors": ["automotive"], "bids_for_tenders": False, "tender_requirements": [],
        "customer_requirements": [], "regulations": [], "data_sensitivity": "moderate",
        "environmental_impact": "moderate", "ohs_risk": "high", "annual_energy_tj": None,
        "ai_role": "none", "certified": ["ISO 9001"], "implemented": [],
        "goals": ["customer_trust"], "budget": "moderate", "deadline_months": 12,
        # the applicability answers (issue 14), so that the flows below stay those of a
        # complete profile
        "established_in": ["DE"], "nace_codes": ["C25.62"], "activities": [],
        "turnover_eur_m": 14, "balance_sheet_eur_m": 9, "site_roles": ["production"],
        "key_customers": [], "ai_risk_class": "minimal", "schemes_held": []}
TEXT_TO_FIELD = {q.text: name for name, q in QUESTIONS.items()}


def typed(name: str, value) -> str:
    """How a user would type `value` for question `name`."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value) if value else "none"
    return str(value)


class Answering:
    """A console that answers each question from a profile mapping, with optional extra lines
    typed first for some fields (`?`, invalid answers), and a review script at the end."""

    def __init__(self, answers: dict, before: dict | None = None, review: list[str] | None = None,
                 changes: dict | None = None):
        self.answers, self.before = answers, {k: list(v) for k, v in (before or {}).items()}
        self.review, self.changes = list(review or []), dict(changes or {})
        self.field: str | None = None
        self.said: list[str] = []
        self.typed: list[str] = []
        self.asked: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)
        head = text.split(": ", 1)[-1] if text.startswith(("Question", "Basic question")) else text
        head = head.removeprefix("(answered before) ")
        if head in TEXT_TO_FIELD:
            self.field = TEXT_TO_FIELD[head]
            self.asked.append(self.field)

    def ask(self, prompt: str) -> str:
        if prompt.strip().startswith("Read as"):
            line = "y"
        elif prompt.startswith("Type a number"):
            line = self.review.pop(0) if self.review else ""
            self.field = None
        elif self.before.get(self.field):
            line = self.before[self.field].pop(0)
        elif self.field in self.changes and self.asked.count(self.field) > 1:
            line = self.changes[self.field]
        else:
            line = typed(self.field, self.answers.get(self.field))
        self.typed.append(line)
        return line

    def text(self) -> str:
        return "\n".join(self.said)


def answering(answers: dict, **kw) -> tuple[Interview, Answering]:
    console = Answering(answers, **kw)
    return interview(Relevance(load()), console), console


def script_for(answers: dict, **kw) -> list[str]:
    """The lines a user would type, in order, to give `answers` (for piped or CliRunner input)."""
    return answering(answers, **kw)[1].typed


@pytest.fixture(scope="module")
def relevance():
    return Relevance(load())


def simulate(relevance: Relevance, profile: Profile) -> Interview:
    """Answer every question the interview asks from `profile`, without the review."""
    state = Interview(relevance)
    while (name := state.next_question()) is not None:
        value = getattr(profile, name)
        state.record(name, DONT_KNOW_ANSWER if value is None else value)
    return state


def advice(assessment) -> tuple:
    return ([(r.standard, r.decision, r.priority) for r in assessment.recommendations],
            assessment.warnings)


# -- questions: words from one table, types from the model ------------------------------------

def test_every_profile_field_is_a_question_worded_in_plain_language():
    assert list(QUESTIONS) == list(FIELDS)
    for name, q in QUESTIONS.items():
        info = Profile.model_fields[name]
        assert name in WORDING, f"{name}: add its wording to advisor/advice/wording.py"
        assert q.text == WORDING[name].text and q.short and q.why and q.help
        assert q.required == info.is_required()
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", q.text + q.why + q.help), name  # no field ids
        assert len(q.choice_labels) in (0, len(q.choices))
    assert QUESTIONS["ohs_risk"].choices == ("low", "moderate", "high")
    assert QUESTIONS["sector"].options()[20] == f"21 {label('software_saas')}"
    assert QUESTIONS["tender_requirements"].asked_if == (("bids_for_tenders", True),)


# -- reading answers ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,text,expected", [
    ("sector", "21", "software_saas"),
    ("sector", "software/SaaS", "software_saas"),
    ("sector", "Food and beverage", "food_beverage"),
    ("customer_types", "1, 3", ["consumers", "public_sector"]),
    ("customer_types", "businesses; Public sector", ["businesses", "public_sector"]),
    ("customer_types", "none", []),
    ("countries", "de, France, UK", ["DE", "FR", "GB"]),
    ("countries", "Korea, Republic of, Germany", ["KR", "DE"]),
    ("certified", "iso9001, 27001:2022", ["ISO 9001", "ISO/IEC 27001"]),
    ("bids_for_tenders", "Y", True),
    ("bids_for_tenders", "no", False),
    ("employees", "1,200", 1200),
    ("annual_energy_tj", "2.5", 2.5),
    ("annual_energy_tj", "1000 MWh", 3.6),
    ("annual_energy_tj", "3 GWh", 10.8),
    ("deadline_months", "9", 9),
])
def test_answers_are_read_like_people_type_them(name, text, expected):
    assert parse_answer(QUESTIONS[name], text) == expected


@pytest.mark.parametrize("text", ["-", "dk", "Don't know", ""])
def test_dont_know_is_always_an_answer_for_optional_questions(text):
    assert parse_answer(QUESTIONS["ohs_risk"], text) is DONT_KNOW_ANSWER
    assert parse_answer(QUESTIONS["goals"], text) is DONT_KNOW_ANSWER


def test_empty_answer_takes_the_default_shown():
    assert parse_answer(QUESTIONS["sites"], "", default=1) == 1
    assert parse_answer(QUESTIONS["goals"], "", default=["insurance"]) == ["insurance"]


@pytest.mark.parametrize("name,text,says", [
    ("employees", "-", "needed for any advice"),
    ("employees", "eighty", "not a number"),
    ("employees", "12.5", "not a whole number"),
    ("employees", "0", "greater than or equal to 1"),
    ("sector", "26", "choose 1 to 25"),
    ("sector", "bakery", "not valid"),
    ("countries", "Atlantis", "not an ISO 3166-1 alpha-2 country code"),
    ("certified", "ISO 99999", "not a standard in the catalog"),
    ("bids_for_tenders", "maybe", "not yes or no"),
    ("annual_energy_tj", "5 barrels", "unknown unit"),
])
def test_invalid_answers_say_what_is_wrong(name, text, says):
    with pytest.raises(ProfileError) as err:
        parse_answer(QUESTIONS[name], text)
    assert says in str(err.value)


# -- relevance comes from the rule base ----------------------------------------------------------

def rule_base_without(tmp_path: Path, field: str) -> Path:
    """A copy of the shipped rule base without the rules that test `field`."""
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    for path in folder.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if isinstance(data, dict) and isinstance(data.get("rules"), list):
            data["rules"] = [r for r in data["rules"] if field not in yaml.safe_dump(r["when"])]
            path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return folder


def test_a_question_is_asked_only_while_some_rule_can_use_its_answer(relevance, tmp_path):
    context = {"name": "X", "sector": "software_saas", "employees": 40}
    assert relevance.relevant(context, "ai_role")
    trimmed = Relevance(load(rule_base_without(tmp_path, "ai_role")))
    assert not trimmed.relevant(context, "ai_role")
    state = Interview(trimmed)
    state.answers.update(context)
    assert "ai_role" not in state.relevant_open()


def test_answers_so_far_decide_relevance(relevance):
    base = {"name": "X", "sector": "manufacturing", "employees": 80, "countries": ["DE"]}
    # with an ISO 45001 certificate in hand, nothing about OH&S risk can change the advice
    held = dict(base, certified=["ISO 45001"], customer_types=["businesses"])
    assert relevance.relevant(base, "ohs_risk")
    assert not relevance.relevant(held, "ohs_risk", [])


def test_tender_requirements_presuppose_bidding(relevance):
    state = Interview(relevance)
    state.answers.update(name="X", sector="construction", employees=30, bids_for_tenders=False)
    assert "tender_requirements" not in state.relevant_open()
    assert state.denied("tender_requirements") == "bids for tenders: no"
    state.answers["bids_for_tenders"] = True
    assert "tender_requirements" in state.relevant_open()


def test_progress_is_recomputed_from_what_is_relevant(relevance):
    state = Interview(relevance)
    assert state.progress() == "Basic question 1 of 3"
    state.answers.update(name="X", sector="construction", employees=30)
    state.asked += ["name", "sector", "employees"]
    before = state.progress()
    assert before.startswith("Question 4 of about ")
    state.record("bids_for_tenders", False)
    after = state.progress()
    assert after.startswith("Question 5 of about ")
    assert int(after.rsplit(" ", 1)[1]) == 4 + len(state.relevant_open())


@pytest.mark.parametrize("stem", ["automotive-supplier", "saas-startup", "micro-consultancy",
                                  "construction-public-tenders"])
def test_skipped_questions_never_change_the_advice(relevance, stem):
    """Answering only what is asked gives the advice the full profile gets."""
    profile = load_profile(ROOT / "profiles" / f"{stem}.yaml")
    state = simulate(relevance, profile)
    skipped = [n for n in FIELDS if n not in state.answers]
    assert skipped, "a rich profile still leaves questions that cannot matter"
    assert advice(evaluate(state.profile())) == advice(evaluate(profile))


def _profiles():
    """Random but valid organizations: every field known, unknown or empty."""
    def maybe(strategy):
        return st.one_of(st.none(), strategy)
    q = QUESTIONS
    fields = {
        "sector": st.sampled_from(q["sector"].choices),
        "employees": st.sampled_from([3, 12, 60, 300, 2000]),
        "sites": st.sampled_from([1, 1, 4]),
        "countries": st.lists(st.sampled_from(["DE", "FR", "BE", "IT", "GB", "US", "CA", "CN"]),
                              max_size=3, unique=True),
        "bids_for_tenders": maybe(st.booleans()),
        "annual_energy_tj": maybe(st.sampled_from([0.5, 20.0, 120.0])),
        "deadline_months": maybe(st.sampled_from([3, 12, 24])),
        **{n: maybe(st.sampled_from(q[n].choices)) for n in FIELDS if q[n].kind == "choice"
           and n != "sector"},
        **{n: st.lists(st.sampled_from(q[n].choices), max_size=3, unique=True)
           for n in FIELDS if q[n].kind in ("choices", "standards")},
    }
    return st.fixed_dictionaries(fields).map(lambda d: Profile(name="R", **dict(
        d, tender_requirements=d["tender_requirements"] if d["bids_for_tenders"] else [])))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=_profiles())
@pytest.mark.slow
def test_for_any_organization_skipping_keeps_the_advice(relevance, profile):
    state = simulate(relevance, profile)
    assert advice(evaluate(state.profile())) == advice(evaluate(profile))


def test_every_question_asked_could_change_the_advice_by_evaluate(relevance):
    """Checked independently of the relevance code: the real engine, full assessments."""
    profile = load_profile(ROOT / "profiles" / "saas-startup.yaml")
    state = Interview(relevance)
    while (name := state.next_question()) is not None:
        if not QUESTIONS[name].required:
            context = {k: v for k, v in state.answers.items() if v is not None}
            now = advice(evaluate(context))
            assert any(advice(evaluate({**context, name: v})) != now
                       for v in relevance.candidates(name)), name
        value = getattr(profile, name)
        state.record(name, DONT_KNOW_ANSWER if value is None else value)


# -- explaining ------------------------------------------------------------------------------------

def test_every_question_explains_itself_in_business_words(relevance):
    rb = relevance.rb
    ids = {r.id for r in rb.rules}
    context = {"name": "X", "sector": "manufacturing", "employees": 80}
    for name in FIELDS:
        text = explain(relevance, context, name, FIELDS)
        assert text.startswith(f"Why we ask: {QUESTIONS[name].why}")
        assert not {word.strip(".,;:[]()") for word in text.split()} & ids, name   # no rule ids
        if relevance.readers[name]:
            technical = explain(relevance, context, name, FIELDS, technical=True)
            named = technical.split("Rules that read it: ", 1)[1].rstrip(".")
            assert set(named.replace(" and ", ", ").split(", ")) & ids, name


def test_why_says_what_each_answer_would_change(relevance):
    context = {"name": "X", "sector": "manufacturing", "employees": 80, "countries": ["US"]}
    text = explain(relevance, context, "ohs_risk")
    assert "ISO 45001 changes from not needed to implement without a certificate" in text
    assert "other answers: no change" in text and "ohs-hazards" not in text
    countries = explain(relevance, context, "customer_requirements")
    assert "IATF 16949 changes from not needed to certify" in countries


# -- the interview -----------------------------------------------------------------------------------

def test_interview_asks_re_asks_explains_and_reviews():
    state, console = answering(ACME, before={"employees": ["eighty"], "ohs_risk": ["?", "7"]},
                               review=[str(FIELDS.index("goals") + 1), ""],
                               changes={"goals": "customer_trust, supplier_approval"})
    text = console.text()
    assert "Not valid: 'eighty' is not a number" in text
    assert "Not valid: there is no option 7; choose 1 to 3. (valid: 1 low, 2 moderate, 3 high)" in text
    assert f"Why we ask: {QUESTIONS['ohs_risk'].why}" in text
    assert "Your answers:" in text and text.count("Your answers:") == 2
    assert state.answers["goals"] == ["customer_trust", "supplier_approval"]
    assert state.answers["employees"] == 80 and state.answers["ohs_risk"] == "high"
    assert "tender_requirements" not in console.asked       # does not bid
    assert len(console.asked) == len(state.asked) + 1        # goals asked again at review
    assert 10 <= len(state.asked) <= 21      # incl. activities, key customers, establishment


def test_dont_know_becomes_null_and_is_reported_as_unknown():
    state, console = answering(dict(ACME, ohs_risk=None))
    assert state.answers["ohs_risk"] is None and "ohs_risk" in state.dont_know
    assessment = evaluate(state.profile())
    assert "ohs_risk" in {u.field for u in assessment.unknowns}
    review = console.text().split("Your answers:")[1]
    assert "Workplace hazards" in review and "don't know" in review


def test_end_of_input_and_interrupt_propagate():
    class Stops(Answering):
        error: BaseException
        def ask(self, prompt):
            if len(self.typed) == 4:
                raise self.error
            return super().ask(prompt)
    for error in (EOFError(), KeyboardInterrupt()):
        console = Stops(ACME)
        console.error = error
        with pytest.raises(type(error)):
            interview(Relevance(load()), console)


def test_saved_profile_reads_back_to_the_same_profile(tmp_path):
    state, _ = answering(dict(ACME, annual_energy_tj=None, name='Acme: "Metal" #1'))
    text = profile_yaml(state)
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    assert load_profile(path) == state.profile()
    assert "annual_energy_tj: null  # don't know" in text
    assert "tender_requirements: []  # not asked: bids for tenders: no" in text


def test_start_from_a_file_asks_only_what_is_missing(tmp_path, relevance):
    path = tmp_path / "p.yaml"
    data = {k: v for k, v in ACME.items() if k not in ("ohs_risk", "goals")}
    data["ai_role"] = None
    path.write_text(yaml.safe_dump(data))
    state = load_start(relevance, str(path))
    assert set(state.answers) == set(data) - {"ai_role", "annual_energy_tj"}
    asked = []
    while (name := state.next_question()) is not None:
        asked.append(name)
        state.record(name, DONT_KNOW_ANSWER)
    # the applicability questions (issue 14) are asked too, since the file leaves them open
    assert set(asked) <= {"ohs_risk", "goals", "ai_role", "annual_energy_tj", "activities",
                          "key_customers", "established_in", "nace_codes", "site_roles",
                          "turnover_eur_m", "balance_sheet_eur_m", "ai_risk_class",
                          "schemes_held"} and "ohs_risk" in asked



# -- numbers, typos, going back (issue 18) ------------------------------------------------------

class Script:
    """A console that types the given lines in order and records everything said."""

    def __init__(self, lines: list[str]):
        self.lines, self.said, self.prompts = list(lines), [], []

    def say(self, text: str) -> None:
        self.said.append(text)

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    def text(self) -> str:
        return "\n".join(self.said + self.prompts)


def basics(relevance) -> Interview:
    state = Interview(relevance)
    for name, value in (("name", "Acme"), ("sector", "manufacturing"), ("employees", 120)):
        state.record(name, value)
    return state


def test_decimal_comma_energy_is_confirmed_and_stored_as_nine_terajoules(relevance):
    from advisor.advice.questionnaire import ask_one
    state, console = basics(relevance), Script(["2,5 GWh", "y"])
    assert ask_one(state, console, "annual_energy_tj") is None
    assert state.answers["annual_energy_tj"] == 9.0
    assert "Read as 2.5 GWh = 9 TJ. Right? [Y/n]" in console.text()


def test_ambiguous_energy_is_asked_again_never_guessed(relevance):
    from advisor.advice.questionnaire import ask_one
    state, console = basics(relevance), Script(["2.500 MWh", "2500 MWh", ""])
    ask_one(state, console, "annual_energy_tj")
    text = console.text()
    assert "Not valid: '2.500 MWh' could be 2500 MWh = 9 TJ" in text
    assert state.answers["annual_energy_tj"] == 9.0 and console.prompts.count("> ") == 2


def test_a_refused_reading_is_typed_again(relevance):
    from advisor.advice.questionnaire import ask_one
    state, console = basics(relevance), Script(["2,5 GWh", "n", "2,5 TJ", "y"])
    ask_one(state, console, "annual_energy_tj")
    assert state.answers["annual_energy_tj"] == 2.5 and "Then type it again." in console.text()


def test_a_typo_gets_did_you_mean_and_y_takes_it(relevance):
    from advisor.advice.questionnaire import ask_one
    state, console = Interview(relevance), Script(["constructon", "y"])
    ask_one(state, console, "sector")
    assert "did you mean 'construction'?" in console.text()
    assert state.answers["sector"] == "construction"


def test_going_back_reasks_the_previous_question_then_walks_forward(relevance):
    # name, sector, then "<" at employees goes back to sector; changing it keeps the name
    console = Script(["Acme", "manufacturing", "<", "automotive", "120"])
    state = Interview(relevance)
    with pytest.raises(EOFError):
        interview(relevance, console, state)
    assert state.answers["sector"] == "automotive" and state.answers["employees"] == 120
    asked = [s for s in console.said if QUESTIONS["sector"].text in s]
    assert len(asked) == 2 and asked[1].startswith("(answered before)")
    assert state.previous("name") is None and state.previous("sector") == "name"


def test_back_at_the_first_question_says_so(relevance):
    console = Script(["<", "Acme"])
    with pytest.raises(EOFError):
        interview(relevance, console, Interview(relevance))
    assert "This is the first question." in console.text()


def test_an_answer_that_makes_a_question_inapplicable_drops_its_answer(relevance):
    state = basics(relevance)
    state.record("bids_for_tenders", True)
    state.record("tender_requirements", ["ISO 9001"])
    state.record("bids_for_tenders", False)
    assert "tender_requirements" not in state.answers
    assert state.profile().tender_requirements == []


def test_answers_saved_part_way_resume(tmp_path, relevance):
    state = Interview(relevance)
    state.record("name", "Acme")
    state.record("sector", "retail")
    text = profile_yaml(state)
    assert "Continue with: iso-advisor ask --from FILE" in text
    path = tmp_path / "partial.yaml"
    path.write_text(text)
    resumed = load_start(relevance, str(path))
    assert resumed.answers == {"name": "Acme", "sector": "retail"}
    assert resumed.next_question() == "employees"


@pytest.mark.parametrize("typed_text", ["²", "٣", "1" * 5000, "0", "999999999"])
def test_an_option_number_that_is_no_option_is_a_message_not_a_crash(typed_text):
    """str.isdigit() holds for "²" and for 5,000 digits, where int() raises: both are answers
    naming the options, in the terminal and on the web page."""
    with pytest.raises(ProfileError, match="there is no option .*; choose 1 to 3"):
        parse_answer(QUESTIONS["ohs_risk"], typed_text)
