"""Certificates held, the roadmap and the three-year cost (issue 15): each figure against its
published source, as of fixed dates so the tests do not age."""
from __future__ import annotations

import math

import pytest

from advisor import evaluate
from advisor.advice.costs import audit_days
from advisor.advice.models import parse_profile
from advisor.errors import AdvisorError
from advisor.kernel.rulebase import load

DAY = "2026-12-01"
RB = load()
EFFORT = RB.effort
READER = RB.rule


def days(standard: str, employees: int, **fields):
    profile = parse_profile({"name": "X", "sector": fields.pop("sector", "manufacturing"),
                             "employees": employees, **fields})
    return audit_days(EFFORT, standard, profile)


def initial(cycle) -> float:
    return cycle.stage1 + cycle.stage2


# -- certificates held -------------------------------------------------------------------------

B2B = {"name": "Held Co", "sector": "it_services", "employees": 80, "countries": ["DE"],
       "customer_types": ["businesses"]}


def test_a_withdrawn_edition_is_not_in_place_and_needs_a_new_certificate():
    a = evaluate({**B2B, "certified": ["ISO/IEC 27001:2013"]}, as_of=DAY)
    check = a.certificates[0]
    assert (check.status, check.in_place, check.valid_until) == ("withdrawn", False, "2025-10-31")
    assert "a full initial audit" in check.action and "ISO/IEC 27001:2022" in check.action
    rec = a.recommendation("ISO/IEC 27001")
    assert rec.currently == "implemented" and rec.decision == "certify"
    lapsed = next(r for r in rec.reasons if r.rule == "lapsed-certificate-relied-on")
    assert "no longer valid on 2026-12-01" in lapsed.text
    assert rec.certificate == check
    project = next(p for p in a.roadmap.projects if "ISO/IEC 27001" in p.standards)
    assert project.kind == "new_certificate"


def test_the_same_certificate_during_its_transition_gives_a_dated_transition_audit():
    a = evaluate({**B2B, "certified": [{"standard": "ISO/IEC 27001:2013",
                                        "expires": "2026-05-31"}]}, as_of="2025-06-30")
    check = a.certificates[0]
    assert (check.status, check.in_place, check.action_by) == ("transition", True, "2025-10-31")
    assert check.action.startswith("Book a transition audit to ISO/IEC 27001:2022 before 2025-10-31")
    assert a.recommendation("ISO/IEC 27001").currently == "certified"
    audit = next(p for p in a.roadmap.projects if p.kind == "transition")
    assert audit.standards == ["ISO/IEC 27001"] and audit.milestones[0].month == 3


def test_an_expiring_certificate_is_in_the_plan_and_an_expired_one_is_not_in_place():
    a = evaluate({**B2B, "certified": [
        {"standard": "ISO 9001:2015", "issued": "2024-04-01", "expires": "2027-03-31",
         "certification_body": "TÜV Rheinland", "accreditation_body": "DAkkS"},
        {"standard": "ISO 14001", "expires": "2026-06-30"}]}, as_of=DAY)
    by = {c.standard: c for c in a.certificates}
    assert by["ISO 9001"].status == "expiring" and by["ISO 9001"].action_by == "2027-03-31"
    recert = next(p for p in a.roadmap.projects if p.kind == "recertify")
    assert recert.standards == ["ISO 9001"] and recert.milestones[0].what == "recertification audit"
    assert recert.milestones[0].month == 2            # finished before the end of March 2027
    assert by["ISO 14001"].status == "expired" and not by["ISO 14001"].in_place
    assert a.recommendation("ISO 9001").currently == "certified"


def test_a_certificate_far_from_expiry_is_kept_without_a_project():
    a = evaluate({**B2B, "certified": [{"standard": "ISO 9001", "expires": "2029-03-31"}]},
                 as_of=DAY)
    assert a.certificates[0].status == "valid"
    assert not [p for p in a.roadmap.projects if p.kind == "recertify"]


def test_a_bare_reference_is_taken_at_its_word_and_gets_no_check():
    a = evaluate({**B2B, "certified": ["ISO 9001"]}, as_of=DAY)
    assert a.certificates == [] and a.recommendation("ISO 9001").currently == "certified"


@pytest.mark.parametrize("certified, words", [
    ([{"standard": "ISO 9001", "issued": "2025-02-01", "expires": "2024-01-31"}],
     "expires (2024-01-31) is before issued (2025-02-01)"),
    (["ISO 9001", {"standard": "ISO 9001", "expires": "2027-01-31"}],
     "ISO 9001 is given twice, as a reference and as a certificate record"),
    (["ISO 9001:2012"], "ISO 9001 has no edition '2012'"),
])
def test_bad_certificates_name_the_field_and_what_is_valid(certified, words):
    with pytest.raises(AdvisorError) as caught:
        evaluate({**B2B, "certified": certified}, as_of=DAY)
    text = " ".join(str(p) for p in caught.value.problems)
    assert words in text and "certified" in text
    if "2012" in words:
        assert "2015 (current)" in text and "2008 (withdrawn)" in text


# -- the roadmap -------------------------------------------------------------------------------

PARTS_MAKER = {"name": "Parts Co", "sector": "automotive", "employees": 120, "countries": ["DE"],
               "customer_types": ["businesses"], "customer_sectors": ["automotive"],
               "deadline_months": 12, "budget": "moderate"}


def test_a_12_month_deadline_is_met_with_the_demanded_certificate_first():
    a = evaluate(PARTS_MAKER, as_of=DAY)
    road = a.roadmap
    assert road.fits_deadline is True and road.shortfall_months == 0
    iatf = next(p for p in road.projects if "IATF 16949" in p.standards)
    assert iatf.start_month == 0 and iatf.ready_months == [9, 12] and "ISO 9001" in iatf.merged
    assert [m.what for m in iatf.milestones] == ["stage 1 audit (readiness)",
                                                 "stage 2 audit (effectiveness)",
                                                 "certification decision"]
    assert [m.month for m in iatf.milestones] == [7, 8, 9]
    assert not any("deadline" in w for w in a.warnings)


def test_a_deadline_that_cannot_be_met_warns_with_the_shortfall_and_what_would_fit():
    a = evaluate({**PARTS_MAKER, "deadline_months": 6}, as_of=DAY)
    road = a.roadmap
    assert road.fits_deadline is False and road.shortfall_months == 3
    warning = next(w for w in a.warnings if "deadline" in w)
    assert "IATF 16949 is typically certified by month 9-12, 3 months late" in warning
    assert "What would fit: equivalent evidence accepted meanwhile, a narrower scope first, an " \
           "experienced consultant, or a transfer of an existing certificate." in warning
    assert [o.rule for o in road.options] == ["equivalent-evidence", "narrower-scope",
                                              "consultant", "transfer"]
    assert all(o.source for o in road.options)


def test_systems_sharing_the_structure_run_together_when_the_organization_can_carry_it():
    tender = {"name": "Build Co", "sector": "construction", "employees": 180, "countries": ["DE"],
              "bids_for_tenders": True, "tender_requirements": ["ISO 9001", "ISO 45001"],
              "customer_types": ["public_sector"], "budget": "moderate"}
    together = evaluate(tender, as_of=DAY).roadmap
    joint = next(p for p in together.projects if "ISO 9001" in p.standards)
    assert set(joint.standards) == {"ISO 9001", "ISO 45001"} and together.concurrency == 2
    alone = evaluate({**tender, "employees": 8, "budget": "low"}, as_of=DAY).roadmap
    assert alone.concurrency == 1
    assert all(len(p.standards) == 1 for p in alone.projects)
    starts = sorted(p.start_month for p in alone.projects)
    assert starts[0] == 0 and starts[1] > 0                    # staged, one after another


def test_dominant_risks_lead_among_equals_for_a_haulier():
    haulier = {"name": "Haul Co", "sector": "logistics_transport", "employees": 260,
               "countries": ["DE"], "customer_types": ["businesses"], "bids_for_tenders": True,
               "budget": "moderate", "data_sensitivity": "moderate", "ohs_risk": "moderate"}
    a = evaluate(haulier, as_of=DAY)
    plan = [r for r in a.recommendations if r.priority]
    internal = [r.standard for r in plan if {x.driver for x in r.reasons} == {"internal"}]
    assert internal == ["ISO 45001", "ISO 39001", "ISO 55001"], internal    # risks first
    assert {f.fact for f in a.inferred} >= {"ohs_dominant", "road_risk_dominant"}


def test_a_standard_covered_by_another_in_the_plan_is_merged_with_a_note():
    university = {"name": "Uni", "sector": "education", "employees": 900, "countries": ["IT"],
                  "bids_for_tenders": True, "customer_types": ["public_sector"],
                  "budget": "moderate"}
    a = evaluate(university, as_of=DAY)
    rec = a.recommendation("ISO 21001")
    assert rec.decision == "implement" and "iso21001-within-9001" in a.fired_rules
    host = next(p for p in a.roadmap.projects if "ISO 9001" in p.standards)
    assert "ISO 21001" in host.merged and "built inside it: ISO 21001" in host.note
    assert not [p for p in a.roadmap.projects if "ISO 21001" in p.standards]


@pytest.mark.parametrize("name", [p.stem for p in (RB.path.parent / "profiles").glob("*.yaml")]
                         if (RB.path.parent / "profiles").is_dir() else [])
def test_every_reason_reads_like_the_decision_it_sits_under(name):
    from advisor.inputs.loaders import load_profile
    a = evaluate(load_profile(RB.path.parent / "profiles" / f"{name}.yaml"), as_of=DAY)
    for rec in a.recommendations:
        for reason in rec.reasons:
            said = {i.conclusion.decision for i in RB.instances_of(reason.rule)
                    if i.conclusion.standard == rec.standard}
            assert said == {rec.decision} or (rec.decision == "implement" and said == {"implement"})


def test_a_law_that_needs_the_system_stays_beside_a_certify_decision():
    """A German cloud provider of medium size by its finances: buyers want the certificate,
    NIS2 (likely) wants the measures; the NIS2 reason is kept, apart, under the certify decision."""
    cloud = {"name": "Wolke GmbH", "sector": "software_saas", "employees": 30, "countries": ["DE"],
             "activities": ["cloud_provider"], "customer_types": ["businesses"],
             "turnover_eur_m": 20, "balance_sheet_eur_m": 15}
    rec = evaluate(cloud, as_of=DAY).recommendation("ISO/IEC 27001")
    assert rec.decision == "certify" and [r.rule for r in rec.reasons] == ["b2b-infosec"]
    assert [r.rule for r in rec.also] == ["nis2-security-likely"]
    alone = evaluate({**cloud, "customer_types": ["consumers"]}, as_of=DAY)
    rec = alone.recommendation("ISO/IEC 27001")
    assert rec.decision == "implement" and rec.also == []
    assert "nis2-security-likely" in [r.rule for r in rec.reasons]


# -- audit time: each scheme's table against its published figures ----------------------------

@pytest.mark.parametrize("employees, published", [
    (3, 1.5),      # IAF MD 5 Table QMS 1, 1-5 (EA FAQ 38.2)
    (55, 5),       # 46-65: the 55-person warehouse of EA FAQ 37.23 ("5 man-days")
    (200, 9),      # 176-275
])
def test_iso_9001_follows_iaf_md5_table_qms1(employees, published):
    assert initial(days("ISO 9001", employees)) == published


@pytest.mark.parametrize("employees, published", [
    (4, 3),        # IAF MD 9 Annex D, 1-5 (RAPS Table 1-7)
    (100, 10),     # 86-125
    (200, 12),     # 176-275 ("12 mandays ... for a total of 200 personnel", Elsmar forum)
])
def test_iso_13485_follows_iaf_md9(employees, published):
    assert initial(days("ISO 13485", employees, sector="medical_devices")) == published


@pytest.mark.parametrize("employees, published", [(8, 5), (30, 8.5), (150, 13)])
def test_iso_27001_follows_iso_iec_27006_table(employees, published):
    assert initial(days("ISO/IEC 27001", employees)) == published


@pytest.mark.parametrize("employees, published", [
    (4, 2.0),      # category C (processing): TD 2.0, 1-5 employees TFTE 0
    (60, 3.0),     # 50-99: + 1.0
    (150, 3.5),    # 100-199: + 1.5
])
def test_fssc_22000_follows_iso_ts_22003_1(employees, published):
    cycle = days("FSSC 22000", employees, sector="food_beverage")
    assert initial(cycle) == published and "22003-1" in cycle.basis


@pytest.mark.parametrize("employees, high, limited", [(10, 3.5, 3), (100, 11, 4), (700, 17, 6.5)])
def test_iso_14001_follows_iaf_md5_table_ems1_by_complexity(employees, high, limited):
    assert initial(days("ISO 14001", employees, environmental_impact="high")) == high
    assert initial(days("ISO 14001", employees, sector="professional_services")) == limited


def test_schemes_without_a_published_table_are_estimates_with_their_own_cycle_rules():
    iatf = days("IATF 16949", 100, sector="automotive")
    assert iatf.estimate and "estimate" in iatf.basis
    assert iatf.surveillance == [3.5, 3.5] and iatf.recertification == 4.5   # 1/2 and 2/3 of 7
    aero = days("AS9100", 55, sector="aerospace_defence")      # AS9104/1: 5.0 / 2.0 / 4.0
    assert (initial(aero), aero.surveillance[0], aero.recertification) == (5, 2, 4)


def test_surveillance_and_recertification_follow_md5_proportions():
    for employees in (20, 80, 300, 1000):
        cycle = days("ISO 9001", employees)
        first = initial(cycle)
        assert cycle.surveillance == [math.floor(first / 3 * 2 + 0.5) / 2] * 2
        assert cycle.recertification == math.floor(first * 2 / 3 * 2 + 0.5) / 2
        assert cycle.total == first + 2 * cycle.surveillance[0] + cycle.recertification
        assert cycle.stage1 > 0 and cycle.stage2 > cycle.stage1


@pytest.mark.parametrize("sites, visited", [
    (3, {"initial": 3, "surveillance": 2, "recertification": 3}),     # EA FAQ 46.5: 2 + central
    (10, {"initial": 4, "surveillance": 3, "recertification": 4}),    # 9 others: 3, 1.8, 2.4
    (26, {"initial": 6, "surveillance": 4, "recertification": 5}),    # 25 others: 5, 3, 4
])
def test_multi_site_sampling_follows_iaf_md1(sites, visited):
    cycle = days("ISO 9001", 50 * sites, sites=sites)
    assert cycle.sites_audited == visited
    assert initial(cycle) == 5 * visited["initial"]        # 50 per site: 46-65 -> 5 days a site
    assert cycle.surveillance[0] == 1.5 * visited["surveillance"]


def test_schemes_that_audit_every_site_do_not_sample():
    cycle = days("IATF 16949", 500, sector="automotive", sites=5)
    assert cycle.sites_audited == {"initial": 5, "surveillance": 5, "recertification": 5}


def test_integrated_audit_days_are_below_the_sum_and_follow_md11():
    a = evaluate({"name": "Build Co", "sector": "construction", "employees": 180,
                  "countries": ["DE"], "bids_for_tenders": True, "budget": "moderate",
                  "tender_requirements": ["ISO 9001", "ISO 45001"],
                  "customer_types": ["public_sector"]}, as_of=DAY)
    c = a.costs
    assert c.integrated_audit_days < c.separate_audit_days
    assert "20%" in c.integration_basis and "MD 11" in c.integration_basis
    by = {s.standard: s.audit_days for s in c.standards}
    joint = {"ISO 9001", "ISO 45001"}              # certified in one project: initial together
    later = sum(sum(d.surveillance) + d.recertification for d in by.values())
    first_joint = sum(initial(by[s]) for s in joint)
    alone = sum(initial(by[s]) for s in by if s not in joint)
    expect = (math.floor(later * 0.8 * 2 + 0.5) / 2 + math.floor(first_joint * 0.8 * 2 + 0.5) / 2
              + alone)
    assert c.integrated_audit_days == expect


# -- money -------------------------------------------------------------------------------------

def test_money_is_a_range_from_the_dated_day_rate_table_and_can_be_overridden():
    profile = {**PARTS_MAKER, "countries": ["US"]}
    c = evaluate(profile, as_of=DAY).costs
    assert (c.day_rate.low, c.day_rate.high, c.day_rate.currency) == (1500, 2500, "USD")
    assert c.day_rate.estimate and c.day_rate.date and c.day_rate.source.startswith("https://")
    total = c.standards[0].audit_days.total
    assert (c.standards[0].audit_fees.low, c.standards[0].audit_fees.high) == (1500 * total,
                                                                             2500 * total)
    mine = evaluate(profile, as_of=DAY, day_rate="1300 EUR").costs
    assert mine.day_rate.overridden and not mine.day_rate.estimate
    assert mine.audit_fees.currency == "EUR" and mine.audit_fees.low == 1300 * mine.integrated_audit_days
    assert evaluate(profile, as_of=DAY, day_rate=(1300, "EUR")).costs == mine
    unlisted = evaluate({**PARTS_MAKER, "countries": ["BR"]}, as_of=DAY).costs.day_rate
    assert unlisted.country is None and "No country-specific source" in unlisted.source


@pytest.mark.parametrize("rate, words", [
    (0, "must be a positive amount"), (-100, "must be a positive amount"),
    ("1200 XYZ", "'XYZ' is not a currency the day-rate table knows"),
    ("lots", "is not an amount"), (True, "must be a number"),
])
def test_bad_day_rates_name_the_field(rate, words):
    with pytest.raises(AdvisorError) as caught:
        evaluate(PARTS_MAKER, as_of=DAY, day_rate=rate)
    problem = caught.value.problems[0]
    assert problem.field == "day_rate" and words in problem.message
    if "currency" in words:
        assert "EUR" in problem.valid and "USD" in problem.valid


def test_internal_effort_is_a_person_month_range_by_size_and_every_figure_says_its_basis():
    small = evaluate({**PARTS_MAKER, "employees": 20}, as_of=DAY).costs
    large = evaluate({**PARTS_MAKER, "employees": 900}, as_of=DAY).costs
    assert small.internal_person_months[0] < small.internal_person_months[1]
    assert large.internal_person_months[1] > small.internal_person_months[1]
    for s in large.standards:
        assert s.estimate and "auditor-days" in s.basis and "internal effort" in s.basis
        assert s.audit_days.basis
    assert large.estimate and large.basis


def test_a_bad_date_names_as_of():
    with pytest.raises(AdvisorError) as caught:
        evaluate(PARTS_MAKER, as_of="2026-02-30")
    assert caught.value.problems[0].field == "as_of"


@pytest.mark.parametrize("name", ["automotive-supplier", "construction-public-tenders",
                                  "food-manufacturer", "aerospace-machine-shop", "bank",
                                  "energy-intensive-manufacturer"])
def test_the_board_report_of_a_sample_shows_the_deadline_verdict_and_the_cost(name):
    from advisor.inputs.loaders import load_profile
    from advisor.render.report import as_html
    profile = load_profile(RB.path.parent / "profiles" / f"{name}.yaml")
    a = evaluate(profile, as_of=DAY)
    page = as_html(a, profile)
    if profile.deadline_months and a.roadmap.fits_deadline is not None:
        assert ("Fits the deadline" in page) or ("cannot be met" in page)
    assert "Cost over the three-year certificate cycle" in page or "Cost: no certification" in page
    if a.costs and a.costs.standards:
        assert 'id="costs"' in page and "three-year cycle" in page
