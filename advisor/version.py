"""The advisor's version, read by packaging (setup.cfg) and written into every decision record.

A plain constant, so `advisor_version` costs nothing at run time (reading the installed
distribution's metadata takes milliseconds) and cannot disagree with the package that runs.
"""
__version__ = "0.1.0"
