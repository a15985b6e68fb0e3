#!/usr/bin/env bash
# The package as a new user gets it: build the wheel, install it in a fresh virtualenv outside
# the checkout (no node_modules, templates/ or static/ in reach), start an archive with
# `huikan new`, add a sample bulletin, build it from inside the new folder, and check the
# built site with tests/test_package.py (wheel contents; search, CSS and clusters in headless
# Chromium). Needs what `make test` sets up: .venv (playwright) and node_modules (lunr).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/huikan-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT
sample="$repo/issues/2022-10-chanye-keji-dongtai.txt"

echo "wheel: building"
"$repo/.venv/bin/python" -m pip wheel --quiet --no-deps -w "$work/dist" "$repo"
wheel="$(find "$work/dist" -name 'huikan-*.whl' -print -quit)"
test -n "$wheel"

echo "wheel: installing $(basename "$wheel") in a fresh virtualenv"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"

echo "wheel: huikan new, one bulletin, huikan build (in $work)"
cd "$work"
"$work/venv/bin/huikan" new archive
cp "$sample" archive/issues/
(cd archive/issues && "$work/venv/bin/huikan" build)

echo "wheel: checking the site"
cd "$repo"
HUIKAN_WHEEL="$wheel" HUIKAN_WHEEL_SITE="$work/archive" HUIKAN_WHEEL_VENV="$work/venv" \
    "$repo/.venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_package.py
