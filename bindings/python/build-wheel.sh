#!/usr/bin/env bash
# Builds the `inkan` wheel for this machine's platform into target/wheels/:
# the `mobile` profile library (PROFILE to override) and the Python module generated from it.
#
#   bindings/python/build-wheel.sh            then: pip install target/wheels/inkan-*.whl
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
profile=${PROFILE:-mobile}
PROFILE=$profile "$root/bindings/generate.sh" "$root/target/bindings-wheel" >/dev/null
stage=$root/target/wheel-stage
rm -rf "$stage"
mkdir -p "$stage/inkan"
cp "$here/package/pyproject.toml" "$here/package/setup.py" "$stage/"
cp "$root/target/bindings-wheel/python/inkan.py" "$stage/inkan/__init__.py"
cp "$root"/target/bindings-wheel/lib/* "$stage/inkan/"
python3 -m pip wheel --quiet --no-deps --wheel-dir "$root/target/wheels" "$stage"
ls "$root"/target/wheels/inkan-*.whl
