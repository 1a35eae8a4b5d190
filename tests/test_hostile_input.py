"""Hostile and broken input: a clear, bounded message and exit 1; never a traceback, hang or crash.

Every case goes through the library and through `evaluate` and `batch` on the command line,
because each has its own way to fail (an exception escaping, an output that cannot be encoded,
a reader that blocks).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor import AdvisorError, ProfileError, evaluate, load_profile
from advisor.inputs import loaders
from advisor.advice.batch import MAX_LINE_CHARS, read_profiles
from advisor.cli.app import cli
from advisor.advice.models import MAX_LIST_ITEMS, MAX_PROBLEMS

GOOD = {"name": "Acme", "sector": "retail", "employees": 12}
DEEP = 100_000
MAX_STDERR_LINES = MAX_PROBLEMS + 3        # "scored..." line, the problems, "... and K more"


def good_json(**fields) -> str:
    return json.dumps({**GOOD, **fields}, ensure_ascii=False)


SURROGATE = '{"name": "\\ud800", "sector": "retail", "employees": 1}'    # JSON may escape one


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def run(*args: str, **kw):
    result = CliRunner().invoke(cli, list(args), **kw)
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def assert_rejected(path: Path, fragment: str) -> None:
    """Library, `evaluate` and `batch` all reject `path` with `fragment` in a bounded message."""
    if path.suffix in loaders.PROFILE_SUFFIXES:
        with pytest.raises(AdvisorError) as err:
            load_profile(path)
        assert fragment in str(err.value) and str(path) in str(err.value)
        result = run("evaluate", str(path))
        assert result.exit_code == 1 and fragment in result.stderr, result.stderr
        assert len(result.stderr.splitlines()) <= MAX_STDERR_LINES
    result = run("batch", "--jobs", "1", "--format", "jsonl", str(path))
    assert result.exit_code == 1 and fragment in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) <= MAX_STDERR_LINES
    assert len(result.stderr) < 40_000
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(fragment in r["error"]["message"] for r in records if "error" in r)


UNKNOWN_KEYS = {**GOOD, **{f"key{n}": n for n in range(5000)}}

DOCUMENTS = {
    "truncated JSON": ("t.json", '{"name": "Acme", "sect', "is not valid JSON"),
    "truncated YAML": ("t.yaml", 'name: "Acme\nsector: ret', "is not valid YAML"),
    "malformed YAML": ("m.yaml", "name: [a, b\nsector: {", "is not valid YAML"),
    "python object tag": ("p.yaml", "!!python/object/apply:os.system ['echo pwned']\n",
                          "could not determine a constructor"),
    "python name tag": ("q.yaml", "name: !!python/name:os.system\nsector: retail\n",
                        "could not determine a constructor"),
    "billion laughs": ("l.yaml", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
                       "aliases (*name) are not allowed"),
    "deep JSON": ("d.json", "[" * DEEP + "]" * DEEP, "is nested too deeply"),
    "deep YAML mapping": ("d.yaml", "{a: " * DEEP + "1" + "}" * DEEP, "is nested too deeply"),
    "binary": ("b.yaml", bytes(range(256)) * 4, "is binary data"),
    "UTF-16 without BOM": ("u.yaml", "name: Acme\nsector: retail\n".encode("utf-16-le"),
                           "is UTF-16 text without a byte-order mark"),
    "Latin-1": ("l1.json", good_json(name="Café").encode("latin-1"), "is not UTF-8 text"),
    "empty": ("e.json", "", "is empty"),
    "only spaces": ("s.yaml", " \n\t\n", "is empty"),
    "a list of numbers": ("n.yaml", "[1, 2]\n", "must be a mapping"),
    "huge name": ("h.json", good_json(name="x" * 10_000_000), "at most 200 characters"),
    "huge sector": ("hs.json", good_json(sector="y" * 1_000_000), "is not valid"),
    "huge standard": ("hst.json", good_json(certified=["ISO " + "9" * 10**6]),
                      "a standard reference is a name such as 'ISO 9001'"),
    "huge key": ("hk.json", json.dumps({**GOOD, "k" * 1_000_000: 1}), "unknown field"),
    "googol employees": ("g.yaml", "name: A\nsector: retail\nemployees: 1" + "0" * 100 + "\n",
                         "less than or equal to 10000000"),
    "5,000-digit number in YAML": ("big.yaml", "name: A\nsector: retail\nemployees: " + "9" * 5000,
                                   "a number has more than 4,300 digits"),
    "5,000-digit number in JSON": ("big.json", good_json()[:-1] + ', "sites": ' + "9" * 5000 + "}",
                                   "a number has more than 4,300 digits"),
    "JSON NaN": ("nan.json", good_json()[:-1] + ', "annual_energy_tj": NaN}', "not a valid number"),
    "JSON Infinity": ("inf.json", good_json()[:-1] + ', "annual_energy_tj": -Infinity}',
                      "not a valid number"),
    "JSON 1e400": ("e400.json", good_json()[:-1] + ', "annual_energy_tj": 1e400}', "finite number"),
    "YAML .nan": ("nan.yaml", "name: A\nsector: retail\nemployees: 1\nannual_energy_tj: .nan\n",
                  "finite number"),
    "YAML .inf": ("inf.yaml", "name: A\nsector: retail\nemployees: .inf\n", "finite number"),
    "impossible YAML date": ("date.yaml", "name: 2024-13-45\nsector: retail\nemployees: 1\n",
                             "month must be in 1..12"),
    "duplicate YAML key": ("dup.yaml", "name: A\nsector: retail\nname: B\nemployees: 1\n",
                           "key 'name' appears twice"),
    "duplicate JSON key": ("dup.json", '{"name": "A", "sector": "retail", "employees": 1, '
                           '"employees": 900}', "key 'employees' appears twice"),
    "yes as a headcount": ("yes.yaml", "name: A\nsector: retail\nemployees: yes\n",
                           "must be a number, not true"),
    "terminal escape in name": ("esc.json", good_json(name="\x1b]0;pwned\x07"),
                                "contains a control character (U+001B)"),
    "lone surrogate": ("sur.json", SURROGATE, "valid string"),
    "thousands of unknown keys": ("k.json", json.dumps(UNKNOWN_KEYS),
                                  "... and 4,980 more problems"),
    "too many countries": ("c.json", good_json(countries=["DE"] * (MAX_LIST_ITEMS + 1)),
                           f"at most {MAX_LIST_ITEMS} are accepted"),
}


@pytest.mark.parametrize("name, data, fragment", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_hostile_documents_are_rejected_clearly(tmp_path, name, data, fragment):
    assert_rejected(write(tmp_path, name, data), fragment)


def test_deep_yaml_lists_are_rejected_without_recursion_error(tmp_path):
    path = write(tmp_path, "deep.yaml", "[" * DEEP + "]" * DEEP)
    with pytest.raises(AdvisorError, match="is nested too deeply"):
        load_profile(path)
    assert_rejected(write(tmp_path, "deep.jsonl", "[" * DEEP + "]" * DEEP + "\n"),
                    "is nested too deeply")


def test_messages_escape_control_characters_and_stay_short(tmp_path):
    path = write(tmp_path, "esc.json", json.dumps({**GOOD, "\x1b[2J": 1, "k" * 10**6: 2}))
    result = run("evaluate", str(path))
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr
    assert len(result.stderr) < 5_000
    with pytest.raises(ProfileError) as err:
        evaluate({**GOOD, "employees": 10**5000})
    assert "thousands of digits" in str(err.value) and len(str(err.value)) < 500


def test_yaml_is_limited_in_size_and_json_on_stdin_is_not(tmp_path):
    assert_rejected(write(tmp_path, "big.yaml", "name: " + "x" * (loaders.MAX_YAML_CHARS + 1)),
                    "is larger than the 5 MB limit for YAML; use JSON")
    big = json.dumps({**GOOD, "name": "A", "notes": "x" * (loaders.MAX_YAML_CHARS + 1)})
    result = run("evaluate", "-", input=big)
    assert result.exit_code == 1 and "unknown field 'notes'" in result.stderr


def test_files_over_the_size_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_INPUT_BYTES", 1_000)
    assert_rejected(write(tmp_path, "big.json", good_json(name="x" * 1_000)),
                    "is larger than the 0 MB limit")


CSV_HEADER = "name,sector,employees,annual_energy_tj\n"
SHEETS = {
    "unterminated quote": ('Acme,retail,5,"1\n', "unexpected end of data"),
    "NaN cell": ("Acme,retail,5,NaN\n", "finite number"),
    "inf cell": ("Acme,retail,5,inf\n", "finite number"),
    "huge number cell": ("Acme,retail," + "9" * 5000 + ",1\n", "employees"),
    "field over the csv limit": ('"' + "x" * 200_000 + '",retail,5,1\n',
                                 "field larger than field limit"),
    "line over the line limit": ("x" * (MAX_LINE_CHARS + 10) + "\n",
                                 f"has a line longer than {MAX_LINE_CHARS:,} characters"),
    "terminal escape in name": ("\x1b[2JAcme,retail,5,1\n", "control character"),
    "lone CR in a cell": ('"A\rB",retail,5,1\n', "control character"),
}


@pytest.mark.parametrize("row, fragment", SHEETS.values(), ids=SHEETS.keys())
def test_hostile_csv_rows_are_rejected_clearly(tmp_path, row, fragment):
    assert_rejected(write(tmp_path, "sheet.csv", CSV_HEADER + row), fragment)


def test_thousands_of_unknown_columns_give_a_bounded_message(tmp_path):
    header = ",".join(["name", *(f"col{n}" for n in range(3000))]) + "\n"
    assert_rejected(write(tmp_path, "wide.csv", header + "A\n"),
                    f"... and {3000 - MAX_PROBLEMS:,} more problems")


def test_a_column_repeated_a_hundred_thousand_times(tmp_path):
    """Found by probing: checking repeats against every earlier column was quadratic (minutes)."""
    header = ",".join(["name"] * 100_000) + "\n"
    assert_rejected(write(tmp_path, "same.csv", header + "A\n"),
                    f"... and {100_000 - 1 - MAX_PROBLEMS:,} more problems")


def test_jsonl_lines_with_nan_and_surrogates_become_error_records(tmp_path):
    lines = [good_json(), '{"name": "A", "annual_energy_tj": NaN}',
             SURROGATE.replace('"employees": 1', '"employees": 0'), good_json(name="B")]
    result = run("batch", "--format", "csv", str(write(tmp_path, "l.jsonl", "\n".join(lines))))
    assert result.exit_code == 1
    assert result.stderr.startswith("scored 2 profiles, 2 failed:")
    assert "\\ud800" in result.stdout and "not a valid number" in result.stdout


def test_a_folder_given_as_a_profile(tmp_path):
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    result = run("evaluate", str(folder))
    assert result.exit_code == 1 and "is a folder, not a file" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", ["pipe.yaml", "pipe.csv", "pipe.jsonl"])
def test_a_named_pipe_is_refused_instead_of_blocking(tmp_path, name):
    os.mkfifo(tmp_path / name)                         # opening it for reading would block
    assert_rejected(tmp_path / name, "is not a regular file")


def test_a_device_is_refused_instead_of_read_forever(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    assert_rejected(tmp_path / "zero.json", "is not a regular file")


def _unreadable(tmp_path: Path, name: str) -> Path:
    """A file this process cannot read: mode 000, or for root (CI) a link to /proc/self/mem,
    which fails with an I/O error at offset 0 whoever reads it."""
    path = tmp_path / name
    if os.geteuid() != 0:
        path.write_text("name: A\n")
        path.chmod(0)
    elif Path("/proc/self/mem").exists():
        path.symlink_to("/proc/self/mem")
    else:
        pytest.skip("running as root without /proc: no file is unreadable")
    return path


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
@pytest.mark.parametrize("name", ["locked.yaml", "locked.csv"])
def test_an_unreadable_file(tmp_path, name):
    assert_rejected(_unreadable(tmp_path, name), "cannot be read")


def test_a_folder_that_cannot_be_listed(tmp_path, monkeypatch):
    def refuse(self):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(Path, "iterdir", refuse)        # chmod 000 does not stop root (CI)
    result = run("batch", str(tmp_path))
    assert result.exit_code == 1 and "cannot be read: Permission denied" in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="Linux lets file names be any bytes")
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.json"))).write_text(good_json())
    result = run("batch", str(folder))
    assert result.exit_code == 0, result.output
    assert "caf\\udce9.json" in result.stdout


def test_unknown_keys_are_listed_up_to_the_limit_then_counted():
    with pytest.raises(ProfileError) as err:
        evaluate(UNKNOWN_KEYS)
    problems = err.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0].field == "key0" and problems[-1].message == "... and 4,980 more problems"


def test_readers_stop_at_the_first_unreadable_part_and_keep_what_came_before(tmp_path):
    path = write(tmp_path, "s.csv", CSV_HEADER + "A,retail,5,1\n" + "x" * (MAX_LINE_CHARS + 1))
    first, second = read_profiles([path])
    assert first.data["name"] == "A" and second.error.problems[0].location == "row 3"
