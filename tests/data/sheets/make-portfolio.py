"""Makes portfolio.xlsx beside this file: the README's consultant workbook, from the sample
profiles (as a consultant would type them: labels, lists with commas), plus two typing errors.

    python tests/data/sheets/make-portfolio.py
"""
from pathlib import Path

import openpyxl
import yaml

HERE = Path(__file__).resolve().parent
PROFILES = sorted((HERE.parents[2] / "profiles").glob("*.yaml"))
COLUMNS = ["name", "sector", "employees", "sites", "countries", "customer_types",
           "customer_sectors", "bids_for_tenders", "tender_requirements",
           "customer_requirements", "regulations", "data_sensitivity", "environmental_impact",
           "ohs_risk", "annual_energy_tj", "ai_role", "certified", "implemented", "goals",
           "budget", "deadline_months"]

book = openpyxl.Workbook()
sheet = book.active
sheet.title = "Clients"
sheet.append(["Client portfolio, autumn review"])
sheet.append(["Client ID", *[c.replace("_", " ").capitalize() for c in COLUMNS], "Account manager"])
for n, path in enumerate(PROFILES, 1001):
    profile = yaml.safe_load(path.read_text())
    row = [f"K-{n}"]
    for column in COLUMNS:
        value = profile.get(column)
        row.append(", ".join(value) if isinstance(value, list) else value)
    sheet.append(row + ["A. Weber" if n % 2 else "J. Okafor"])
sheet.append(["K-1013", "Nordlicht Hotels GmbH", "Hotels", 140, 6, "DE", "Consumers"]
             + [None] * (len(COLUMNS) - 6) + ["J. Okafor"])
sheet.append(["K-1014", "Brandt Bau KG", "Constrution", 60, 1, "DE", "public sector"]
             + [None] * (len(COLUMNS) - 6) + ["A. Weber"])
for column, width in (("A", 10), ("B", 34), ("C", 22)):
    sheet.column_dimensions[column].width = width
book.save(HERE / "portfolio.xlsx")
