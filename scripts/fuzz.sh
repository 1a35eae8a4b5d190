#!/usr/bin/env bash
# Long fuzzing: the fuzz and property tests with the `long` Hypothesis profile (tests/conftest.py),
# for minutes or hours instead of the seconds CI gives them.
#
# Usage: scripts/fuzz.sh [PYTEST_ARGS...]        e.g. scripts/fuzz.sh -k random_bytes -x
# Env:   ISO_ADVISOR_FUZZ_EXAMPLES  examples per test (default 5000: about 15 minutes on 2 cores)
# A failure prints the smallest input that shows it; Hypothesis keeps it in .hypothesis/ and
# replays it first on the next run. Turn it into an @example in the test, then fix the code.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 -m pytest -q tests/test_fuzz.py tests/test_properties.py \
  --hypothesis-profile=long --hypothesis-show-statistics "$@"
