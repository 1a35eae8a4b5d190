"""The command line (click). `iso-advisor` runs `main`."""
from advisor.cli.app import cli, main

__all__ = ["cli", "main"]
