"""The questionnaire's words: what each profile field asks, in plain business language.

One table for the terminal (`iso-advisor ask`) and the web questionnaire: the question, a short
label for the review screen, why we ask it (in business words, never rule ids), how to answer,
the unit, and what each choice means. Which questions are asked, and what an answer would
change, is computed from the rule base (advisor.advice.questionnaire), not written here.
A field without an entry falls back to the wording in the Profile model.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Wording:
    """How one field is asked."""

    text: str                         # the question
    short: str                        # its label on the review screen and in the report
    why: str                          # why we ask, in business words
    help: str = ""                    # how to answer, with examples
    unit: str | None = None           # the unit the answer is stored in
    choices: dict[str, str] = field(default_factory=dict)   # value -> what it means


LEVELS = {"low": "low", "moderate": "moderate", "high": "high"}

WORDING: dict[str, Wording] = {
    "name": Wording(
        "What is your organization called?", "Organization",
        "It names your plan and report; no advice depends on it.",
        "The legal or trading name, as it should appear on the report."),
    "sector": Wording(
        "What is your organization's main line of business?", "Main activity",
        "Some industries have their own certificates that customers insist on (car parts, "
        "aerospace, medical devices, food), and the industry sets how much audit time a "
        "certificate takes.",
        "Pick the closest; if you supply another industry, say so in a later question."),
    "employees": Wording(
        "How many people work in the part of the organization the certificates would cover?",
        "People in scope",
        "Audit time, cost and how long the work takes all grow with headcount, and some rules "
        "(for example on cyber security) apply only above a size.",
        "Full-time equivalents: two half-time staff count as one. A rough figure is fine.",
        unit="people"),
    "sites": Wording(
        "How many permanent locations (offices, plants, warehouses) are in scope?", "Locations",
        "Each location adds audit time, and some sector schemes certify site by site.",
        "Count permanent sites only, not customer sites or temporary building sites.",
        unit="sites"),
    "countries": Wording(
        "In which countries do you operate or sell?", "Countries",
        "European and national laws (cyber security, energy efficiency, medical devices) decide "
        "which systems you need, and certificate expectations differ by market.",
        "Country names or two-letter codes, separated by commas: Germany, FR, United Kingdom."),
    "customer_types": Wording(
        "Who are your customers?", "Customers",
        "Business and public-sector buyers often ask suppliers for certificates; consumers "
        "rarely do.",
        "Pick all that apply.",
        choices={"consumers": "consumers (the general public)",
                 "businesses": "businesses",
                 "public_sector": "public sector (government, councils, hospitals, schools)"}),
    "customer_sectors": Wording(
        "Which industries do your customers work in?", "Customers' industries",
        "Car makers, aircraft makers, food retailers and hospitals expect their suppliers to "
        "hold their industry's certificate, whatever your own sector is called.",
        "For example, a parts maker that supplies car makers picks automotive. 'none' if you "
        "only sell to consumers."),
    "bids_for_tenders": Wording(
        "Do you bid for public or private tenders?", "Bids for tenders",
        "Tenders often ask for certificates, either as a pass/fail condition or for extra "
        "points.",
        "Yes if you take part in formal calls for bids, even occasionally."),
    "tender_requirements": Wording(
        "Do the tenders you bid for require any certificates to qualify? Which?",
        "Certificates tenders require",
        "A certificate a tender requires is not optional: without it the bid is rejected, "
        "so it goes first in the plan.",
        "Standards such as ISO 9001, ISO 45001, separated by commas; 'none' if no tender "
        "requires one."),
    "customer_requirements": Wording(
        "Do customers or contracts require you to hold certain certificates? Which?",
        "Certificates customers require",
        "A certificate a customer requires decides whether you keep the business, whatever "
        "it costs.",
        "Standards such as ISO 9001, 27001, separated by commas; 'none' if none is required."),
    "regulations": Wording(
        "Which of these laws do you know apply to you?", "Laws that apply",
        "Several laws require a management system (and some a certificate); we also infer "
        "likely ones from your sector, size and countries and tell you to confirm them.",
        "Pick those you know apply; leave out those you are unsure of.",
        choices={"eu_mdr": "EU Medical Device Regulation (MDR)",
                 "eu_ivdr": "EU In-Vitro Diagnostics Regulation (IVDR)",
                 "us_fda_qmsr": "US FDA quality rules for medical devices (QMSR)",
                 "mdsap": "MDSAP (single medical-device audit for US, Canada, Brazil, Japan, "
                          "Australia)",
                 "nis2": "EU NIS2 cyber-security directive",
                 "dora": "EU DORA (digital resilience of financial firms)",
                 "eu_ai_act": "EU AI Act",
                 "eu_eed": "EU Energy Efficiency Directive (energy audits)",
                 "gdpr": "GDPR (personal data protection)",
                 "cmmc": "US defence cyber-security (CMMC)",
                 "uk_cyber_essentials": "UK Cyber Essentials (UK government contracts)",
                 "hipaa": "US health data (HIPAA)",
                 "anti_bribery": "anti-bribery law (UK Bribery Act, US FCPA, Sapin II ...)"}),
    "data_sensitivity": Wording(
        "How sensitive is the information you hold about people and clients?",
        "Sensitive information",
        "The more sensitive the data, the more an information-security system (ISO/IEC 27001) "
        "protects the business and reassures customers.",
        choices={"none": "none: no personal or confidential data beyond staff records",
                 "low": "low: contact details and ordinary business records",
                 "moderate": "moderate: customer personal data or client-confidential files",
                 "high": "high: health, financial or large volumes of personal data"}),
    "environmental_impact": Wording(
        "How large is your environmental footprint?", "Environmental impact",
        "Emissions, waste and hazardous substances are what an environmental system "
        "(ISO 14001) controls; customers and permits often look for it.",
        choices={"low": "low: offices, light assembly, little waste",
                 "moderate": "moderate: some waste streams, chemicals or transport",
                 "high": "high: permits, hazardous substances, significant emissions"}),
    "ohs_risk": Wording(
        "How hazardous is the work?", "Workplace hazards",
        "Where people can be hurt, a health and safety system (ISO 45001) is what customers, "
        "insurers and tenders look for.",
        choices={"low": "low: office work",
                 "moderate": "moderate: warehouses, workshops, driving",
                 "high": "high: construction, heavy machinery, chemicals, work at height"}),
    "annual_energy_tj": Wording(
        "How much energy does the organization use in a year, all sources together?",
        "Energy use per year",
        "Above certain energy use, the EU Energy Efficiency Directive requires an energy "
        "management system (ISO 50001) or regular energy audits.",
        "Electricity, gas, fuel and heat together, from your bills. Type it in the unit you "
        "have: 2,5 GWh, 800 MWh, 9 TJ. We convert it and show you the result.",
        unit="TJ"),
    "ai_role": Wording(
        "Does your organization develop or sell AI systems, or only use them?", "Use of AI",
        "The EU AI Act puts duties on organizations that develop or supply AI; an AI management "
        "system (ISO/IEC 42001) organizes them.",
        choices={"none": "neither: we do not use AI in our products or operations",
                 "user": "we only use AI systems made by others",
                 "provider": "we develop or supply AI systems"}),
    "certified": Wording(
        "Which certificates do you hold today?", "Certificates held",
        "What you already hold is kept, and new systems are built on it, which saves time and "
        "audit days.",
        "Standards such as ISO 9001, ISO 14001, separated by commas; 'none' if you hold none."),
    "implemented": Wording(
        "Which standards do you already follow without a certificate?", "Standards followed",
        "A system already in place makes a certificate quicker and cheaper to get.",
        "Standards such as ISO 9001, separated by commas; 'none' if none."),
    "goals": Wording(
        "What does leadership want to achieve?", "Leadership goals",
        "Certificates are worth their cost when they serve a goal: winning work, entering "
        "markets, satisfying investors or insurers.",
        "Pick all that apply.",
        choices={"win_tenders": "win tenders", "enter_new_markets": "enter new markets",
                 "customer_trust": "earn customers' trust",
                 "supplier_approval": "get approved as a supplier",
                 "operational_improvement": "run operations better",
                 "risk_reduction": "reduce risk",
                 "regulatory_compliance": "comply with regulation",
                 "esg_reporting": "ESG and sustainability reporting",
                 "investor_due_diligence": "pass investors' due diligence",
                 "cost_reduction": "cut costs", "insurance": "better insurance terms"}),
    "budget": Wording(
        "How much money and staff time can you put into certification?", "Budget",
        "A certificate means three years of audits; with a small budget we recommend "
        "certifying only what customers, tenders or laws demand and implementing the rest.",
        choices={"low": "low: the essentials only",
                 "moderate": "moderate: a project or two a year",
                 "high": "high: several systems in parallel"}),
    "deadline_months": Wording(
        "By when do you need a certificate, in months from now?", "Deadline",
        "A first certificate typically takes 6 to 12 months; a tender date or a customer's "
        "deadline decides what comes first and whether the plan fits.",
        "Months from now, for example 9; leave it if there is no deadline.",
        unit="months"),
    "internal_capacity": Wording(
        "How much staff time can you give to certification projects?", "Staff time for projects",
        "With your size and budget it decides whether systems run together as one project or "
        "one after another, and so when you will be done.",
        choices={"low": "little: a few hours a week from one person",
                 "moderate": "a coordinator part-time, with help from each department",
                 "high": "a dedicated team, or a coordinator full-time"}),
    "established_in": Wording(
        "In which countries is your organization established (registered office, branches, "
        "sites)?", "Established in",
        "Cybersecurity (NIS2), data protection (GDPR) and energy-efficiency law bind "
        "organizations where they are established, not where they sell.",
        "Country codes or names, for example DE, FR; only where you have a legal presence."),
    "nace_codes": Wording(
        "What are your activity codes (NACE, as in your company register)?", "NACE codes",
        "The EU cybersecurity law (NIS2) lists the activities it covers by these codes: a "
        "machine builder is covered, a metal workshop is not.",
        "For example C25.62 or 49.41; leave it if you do not know them."),
    "activities": Wording(
        "Which of these activities do you carry out?", "Activities",
        "Which laws reach you and which certificates you can hold depend on what you do, not "
        "only on your industry (a road haulier is not a road authority, a software house is not "
        "a parts plant)."),
    "turnover_eur_m": Wording(
        "What is your annual turnover, in millions of euros?", "Turnover",
        "With the balance sheet, it decides whether the EU treats you as a small, medium or "
        "large enterprise, which decides whether NIS2 applies.",
        "For example 12.5 for EUR 12.5 million.", unit="EUR million"),
    "balance_sheet_eur_m": Wording(
        "What is your balance-sheet total, in millions of euros?", "Balance sheet",
        "With the turnover, it decides the EU size class (Recommendation 2003/361).",
        "For example 8 for EUR 8 million.", unit="EUR million"),
    "site_roles": Wording(
        "What do your sites do?", "Site roles",
        "Some certificates can only be held by sites that make things: car makers' IATF 16949 "
        "certifies factories, not design offices or software houses; aerospace distributors and "
        "repair shops have their own standards."),
    "key_customers": Wording(
        "Which of these are among your key customers?", "Key customers",
        "Car makers, aerospace primes, device makers, food retailers, banks and the US defence "
        "department each ask their suppliers for particular certificates."),
    "ai_risk_class": Wording(
        "What is the highest EU AI Act risk class of your AI systems?", "AI risk class",
        "Only providers of high-risk AI systems need a quality management system under the AI "
        "Act; others have lighter duties."),
    "schemes_held": Wording(
        "Which other schemes or labels do you hold (EMAS, TISAX, GLOBALG.A.P., GMP, Cyber "
        "Essentials, ...)?", "Other schemes held",
        "Some count as evidence instead of an ISO certificate (EMAS for environmental "
        "management in EU tenders)."),
}
