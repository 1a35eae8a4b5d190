"""The parsed-YAML cache: faster loading, never different results, never a failure of its own."""
from __future__ import annotations

import json

import pytest
import yaml

from advisor.kernel import yaml_cache
from advisor.kernel.rulebase import _parse_yaml, shipped_rules_dir

RULES = (shipped_rules_dir() / "market.yaml").read_bytes()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(yaml_cache.ENV, str(folder))
    return folder


def refuse(data: bytes):
    raise AssertionError("parsed again although cached")


def test_a_file_is_parsed_once_then_read_back_the_same(cache):
    first = yaml_cache.parsed(RULES, _parse_yaml)
    assert len(list(cache.glob("*.json"))) == 1
    assert yaml_cache.parsed(RULES, refuse) == first == yaml.safe_load(RULES)


def test_an_edited_file_is_parsed_again(cache):
    yaml_cache.parsed(b"a: 1\n", _parse_yaml)
    assert yaml_cache.parsed(b"a: 2\n", _parse_yaml) == {"a": 2}
    assert len(list(cache.glob("*.json"))) == 2


@pytest.mark.parametrize("text", [b"when: 2026-11-22\n", b"1: one\n", b"x: .nan\n"])
def test_data_json_would_change_is_never_cached(cache, text):
    assert repr(yaml_cache.parsed(text, _parse_yaml)) == repr(yaml.safe_load(text))
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_a_damaged_entry_is_parsed_again_and_repaired(cache):
    yaml_cache.parsed(b"a: 1\n", _parse_yaml)
    entry = next(cache.glob("*.json"))
    entry.write_text("{not json")
    assert yaml_cache.parsed(b"a: 1\n", _parse_yaml) == {"a": 1}
    assert json.loads(entry.read_text())["value"] == {"a": 1}


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(yaml_cache.ENV, str(blocker / "cache"))
    assert yaml_cache.parsed(b"a: 1\n", _parse_yaml) == {"a": 1}


def test_parse_errors_propagate_and_are_not_cached(cache):
    with pytest.raises(yaml.YAMLError):
        yaml_cache.parsed(b"a: [1\n", _parse_yaml)
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_an_empty_setting_turns_the_cache_off_and_the_default_is_the_xdg_folder(
        tmp_path, monkeypatch):
    monkeypatch.setenv(yaml_cache.ENV, "")
    assert yaml_cache.cache_dir() is None
    assert yaml_cache.parsed(b"a: 1\n", _parse_yaml) == {"a": 1}
    monkeypatch.delenv(yaml_cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert yaml_cache.cache_dir() == tmp_path / "iso-advisor"


# -- issue 20: a cache is trusted only when it is the user's own, and each entry is checked ------

def planted(cache, data: bytes, value, source: str | None = None) -> None:
    """An entry for `data` saying `value`, as someone with write access could leave it."""
    import hashlib
    digest = hashlib.sha256(yaml_cache._FORMAT + data).hexdigest()
    cache.mkdir(mode=0o700, exist_ok=True)
    (cache / f"{digest}.json").write_text(json.dumps({"source": source or digest, "value": value}))


def test_a_cache_folder_others_can_write_to_is_not_used(cache):
    """The repro: a writable cache rewrote the shipped rules (same version, `rules check` green)."""
    planted(cache, RULES, {"rules": []})
    assert yaml_cache.parsed(RULES, refuse) == {"rules": []}      # our own folder: used
    cache.chmod(0o777)
    assert yaml_cache.parsed(RULES, _parse_yaml) == yaml.safe_load(RULES)
    cache.chmod(0o720)
    assert yaml_cache.parsed(RULES, _parse_yaml) == yaml.safe_load(RULES)


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() != 0,
                    reason="needs root to give the folder to another user")
def test_a_cache_folder_owned_by_someone_else_is_not_used(cache):
    import os
    planted(cache, RULES, {"rules": []})
    os.chown(cache, 4321, 4321)
    assert yaml_cache.parsed(RULES, _parse_yaml) == yaml.safe_load(RULES)


def test_an_entry_for_other_bytes_is_not_used(cache):
    planted(cache, b"a: 1\n", {"a": 666}, source="0" * 64)
    assert yaml_cache.parsed(b"a: 1\n", _parse_yaml) == {"a": 1}


@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, " " * 10_000_000 + "{}"],
                         ids=["nested too deeply", "far larger than its source"])
def test_damaged_entries_that_would_hang_or_exhaust_memory_are_not_read(cache, content):
    import hashlib
    yaml_cache.parsed(b"a: 1\n", _parse_yaml)
    digest = hashlib.sha256(yaml_cache._FORMAT + b"a: 1\n").hexdigest()
    (cache / f"{digest}.json").write_text(content)
    assert yaml_cache.parsed(b"a: 1\n", _parse_yaml) == {"a": 1}
