#!/usr/bin/env bash
# The test suite on every Python from 3.10 up that pyenv has: for each, a fresh virtual
# environment, `pip install '.[test]'` (durable-rules only where its marker allows), then the
# README's test command. durable_rules runs where it imports; the Python evaluator everywhere.
#
# Usage: scripts/test-matrix.sh [VERSION...]     e.g. scripts/test-matrix.sh 3.11 3.13
#   default: the newest patch release of each 3.10+ minor under $PYENV_ROOT/versions
# Env:   PYENV_ROOT (default ~/.pyenv), PYTEST_ARGS (default -q), KEEP=1 keeps the work folder
# The project is copied (tracked and new, non-ignored files) so the checkout stays untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
root="${PYENV_ROOT:-$HOME/.pyenv}"
work="$(mktemp -d "${TMPDIR:-/tmp}/iso-advisor-matrix.XXXXXX")"
[[ "${KEEP:-}" == 1 ]] || trap 'rm -rf "$work"' EXIT

if (($#)); then
  wanted=("$@")
else
  mapfile -t wanted < <(ls "$root/versions" 2>/dev/null | grep -E '^3\.(1[0-9]|[2-9][0-9])\.[0-9]+$' \
    | sed -E 's/^(3\.[0-9]+)\..*/\1/' | sort -uV)
fi
((${#wanted[@]})) || { echo "no Python 3.10+ under $root/versions" >&2; exit 2; }

src="$work/src"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src" 2>/dev/null || true

status=0
summary=()
for minor in "${wanted[@]}"; do
  py="$(ls -d "$root"/versions/"$minor".* 2>/dev/null | grep -E "/$minor\.[0-9]+$" | sort -V | tail -1)/bin/python3"
  if [[ ! -x "$py" ]]; then
    summary+=("$(printf '%-8s %s' "$minor" "not found under $root/versions")"); status=1; continue
  fi
  version="$("$py" -c 'import sys; print(sys.version.split()[0])')"
  echo "== Python $version: fresh venv, pip install '.[test]', pytest" >&2
  venv="$work/venv-$minor"
  t0=$SECONDS
  ok=1
  "$py" -m venv "$venv" && "$venv/bin/pip" install --quiet "$src[test]" >&2 || ok=0
  t1=$SECONDS
  result="install failed"
  if ((ok)); then
    engine="$("$venv/bin/python" -c 'from advisor import engines; print(engines.default_name())')"
    log="$work/pytest-$minor.log"
    if (cd "$src" && "$venv/bin/pytest" ${PYTEST_ARGS:--q} -p no:cacheprovider) >"$log" 2>&1; then
      result="$(tail -1 "$log")"
    else
      ok=0; result="FAILED: $(tail -1 "$log")"; tail -40 "$log" >&2
    fi
    result="default engine $engine; $result"
  fi
  ((ok)) || status=1
  summary+=("$(printf '%-8s install %4ss  tests %4ss  %s' "$version" "$((t1 - t0))" "$((SECONDS - t1))" "$result")")
done

echo >&2
printf '%s\n' "${summary[@]}"
echo "total ${SECONDS}s"
exit $status
