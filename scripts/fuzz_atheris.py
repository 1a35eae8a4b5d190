#!/usr/bin/env python3
"""Coverage-guided fuzzing of the readers with atheris (optional: `pip install atheris`).

The same oracles as tests/test_fuzz.py (an AdvisorError with a short printable message, or a
profile that scores), but inputs evolve towards new branches of the YAML parser and our
readers, which random bytes rarely reach. libFuzzer options pass through:

    python3 scripts/fuzz_atheris.py -max_total_time=600          # ten minutes
    python3 scripts/fuzz_atheris.py -max_total_time=600 corpus/  # keep and grow a corpus
A crash prints the input and writes it to crash-*; replay it with the file as the argument.
"""
from __future__ import annotations

import atexit
import shutil
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

with atheris.instrument_imports(include=["advisor", "yaml"]):
    import advisor.advice.batch  # noqa: F401
    import advisor.inputs.loaders  # noqa: F401

import conftest  # noqa: E402,F401  (registers the Hypothesis profiles test_fuzz names)
import test_fuzz  # noqa: E402  (its oracles; imported after instrumentation)

atexit.register(shutil.rmtree, test_fuzz.FOLDER, True)


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    suffix = test_fuzz.BATCH_SUFFIXES[provider.ConsumeIntInRange(0, 3)]
    body = provider.ConsumeBytes(provider.remaining_bytes())
    if suffix in test_fuzz.SUFFIXES:
        test_fuzz.check_load(body, suffix)
    test_fuzz.check_batch(body, suffix)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
