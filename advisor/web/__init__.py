"""web: the ASGI app (advisor.web.app) with the HTTP API and the questionnaire pages (pages.py)."""
