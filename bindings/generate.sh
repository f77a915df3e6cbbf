#!/usr/bin/env bash
# Generates the Kotlin, Swift and Python bindings in one pass from the built inkan library
# (UniFFI library mode: the interface is read from the library's own metadata, so the bindings
# always match the binary they load).
#
#   bindings/generate.sh [OUT_DIR]        default OUT_DIR: target/bindings
#
# Environment: PROFILE (cargo profile, default dev), LIB (an already built libinkan to read
# instead of building one, e.g. a cross-compiled Android .so).
# Output: OUT_DIR/{kotlin,swift,python}/ and OUT_DIR/lib/ with the library for the host.
# The generated files are not formatted (no ktlint/swiftformat/yapf), so they depend only on the
# library: the same library gives byte-identical files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/bindings}
profile=${PROFILE:-dev}
cd "$root"

cargo build --locked --quiet -p inkan-bindings -p uniffi-bindgen --profile "$profile"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
case "$profile" in dev | test) profile_dir=debug ;; *) profile_dir=$profile ;; esac
case "$(uname -s)" in Darwin) ext=dylib ;; *) ext=so ;; esac
lib=${LIB:-$target_dir/$profile_dir/libinkan.$ext}
bindgen=$target_dir/$profile_dir/uniffi-bindgen

rm -rf "$out"
mkdir -p "$out/lib"
cp "$lib" "$out/lib/"
"$bindgen" generate --no-format --language kotlin --language swift --language python \
  --out-dir "$out/generated" "$lib" >/dev/null
# One folder per language, named as the packaging recipes expect.
mkdir -p "$out/kotlin" "$out/swift" "$out/python"
mv "$out"/generated/org "$out/kotlin/"
mv "$out"/generated/*.swift "$out"/generated/*.h "$out"/generated/*.modulemap "$out/swift/"
mv "$out"/generated/*.py "$out/python/"
# Python loads the library from the module's own folder.
cp "$lib" "$out/python/"
rmdir "$out/generated"
echo "bindings generated in $out"
