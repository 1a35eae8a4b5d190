import openpyxl, datetime
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Mandanten"
ws.append(["Portfolio Q4 2026 (Beratung Nord)"])
ws.append([])
ws.append(["Client ID", "Name", "Sector", "Employees", "Sites", "Countries", "Bids for tenders", "Tender requirements", "Annual energy TJ", "Notes"])
ws.append(["K-1001", "Müller Metallbau GmbH", "Manufacturing", 120, 2, "DE; AT", "yes", "ISO 9001", 4.5, "Key account"])
ws.append(["K-1002", "Rheinbau AG", "construction", "=40*2", 1, "DE", True, "ISO 9001; ISO 45001", None, ""])
ws.append(["K-1003", "Datenwerk GmbH", "Software/SaaS", 35, 1, "DE, FR", "no", None, "=0.5+0.7", "=notes"])
ws.append(["K-1004", "Küstenlogistik GmbH", "Logistics and transport", datetime.date(2026, 3, 1), 3, "DE", None, None, None, None])
ws.append(["K-1005", "Hafen Service", "hospitality", 22, 1, "DE", "no", None, None, None])
ws.append(["K-1006", "Hafen Service 2", None, 22, 1, "DE", "no", None, None, None])
ws.merge_cells("C8:C9")
wb.save("src.xlsx")
