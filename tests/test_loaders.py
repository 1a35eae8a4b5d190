"""Reading one profile from a file: formats, encodings and the errors users see."""
import pytest

from advisor import InputError, ProfileError, load_profile

GOOD = "name: Acme\nsector: retail\nemployees: 12\n"


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def test_yaml_json_bom_and_utf16_are_read(tmp_path):
    assert load_profile(write(tmp_path, "a.yaml", GOOD)).name == "Acme"
    assert load_profile(write(tmp_path, "a.json", '{"name": "A", "sector": "retail", "employees": 2}')).employees == 2
    assert load_profile(write(tmp_path, "b.yaml", b"\xef\xbb\xbf" + GOOD.encode())).name == "Acme"
    assert load_profile(write(tmp_path, "c.yaml", GOOD.encode("utf-16"))).name == "Acme"


@pytest.mark.parametrize("name, data, message", [
    ("e.yaml", "", "is empty"),
    ("t.yaml", "name: [unclosed\n", "is not valid YAML"),
    ("t.json", '{"name": ', "is not valid JSON"),
    ("n.json", '{"name": "A", "sector": "retail", "employees": 1, "annual_energy_tj": NaN}', "not a valid number"),
    ("l.yaml", "a: &x [1]\nb: *x\n", "aliases"),
    ("p.yaml", "!!python/object/apply:os.system ['echo hi']\n", "not valid YAML"),
    ("x.txt", GOOD, "a profile is a .yaml, .yml or .json file"),
    ("bin.yaml", b"\x00\x01\x02", "binary"),
    ("latin.yaml", "name: Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("list.yaml", "- 1\n- 2\n", "must be a mapping"),
])
def test_bad_files_give_clear_errors(tmp_path, name, data, message):
    path = write(tmp_path, name, data)
    with pytest.raises((InputError, ProfileError)) as err:
        load_profile(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_profile(tmp_path / "nope.yaml")
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        load_profile(folder)
