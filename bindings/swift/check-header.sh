#!/usr/bin/env bash
# What can be checked of the Swift bindings without a Swift compiler (none installs on Linux CI
# machines here; the full build is swift/build-xcframework.sh on a Mac):
#  1. the generated C header compiles (gcc -fsyntax-only, Clang's nullability qualifiers defined
#     away), alone and against every function the Swift file calls;
#  2. the Swift file calls only functions the header declares;
#  3. generation is deterministic: generating again from the same library gives identical files
#     for all three languages.
# Prints `swift: N passed, N failed`.
#
#   bindings/swift/check-header.sh BINDINGS_DIR      (the output of bindings/generate.sh)
set -uo pipefail
generated=${1:?usage: check-header.sh BINDINGS_DIR}
bindgen=${BINDGEN:?set BINDGEN to the uniffi-bindgen binary}
passed=0 failed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED swift: $name"; fi
}

header=$generated/swift/inkanFFI.h
nullability=(-D_Nullable= -D_Nonnull= -D_Null_unspecified= -D__nullable= -D__nonnull=)
compiles() { # LANGUAGE STD COMPILER: the header included by a one-line unit (as Swift's importer does)
  printf '#include "inkanFFI.h"\n' |
    "$3" -fsyntax-only -std="$2" -Wall -Wextra -Werror "${nullability[@]}" -I "$(dirname "$header")" -x "$1" -
}
check "header compiles (C11)" compiles c c11 gcc
check "header compiles (C++17)" compiles c++ c++17 g++

# Every FFI symbol the Swift code calls must be declared by the header.
symbols_declared() {
  local missing
  missing=$(comm -23 \
    <(grep -oE '\b(uniffi|ffi)_inkan_[a-z0-9_]+' "$generated/swift/Inkan.swift" | sort -u) \
    <(grep -oE '\b(uniffi|ffi)_inkan_[a-z0-9_]+' "$header" | sort -u))
  [ -z "$missing" ] || { echo "called but not declared: $missing"; return 1; }
}
check "Swift calls only declared symbols" symbols_declared
check "modulemap names the header" grep -q 'header "inkanFFI.h"' "$generated/swift/inkanFFI.modulemap"

regenerate_identical() {
  local again
  again=$(mktemp -d)
  "$bindgen" generate --no-format --language kotlin --language swift --language python \
    --out-dir "$again" "$generated/lib/libinkan.so" >/dev/null &&
    diff -q "$again/Inkan.swift" "$generated/swift/Inkan.swift" &&
    diff -q "$again/inkanFFI.h" "$generated/swift/inkanFFI.h" &&
    diff -q "$again/inkanFFI.modulemap" "$generated/swift/inkanFFI.modulemap" &&
    diff -q "$again/inkan.py" "$generated/python/inkan.py" &&
    diff -q "$again/org/inkan/inkan.kt" "$generated/kotlin/org/inkan/inkan.kt"
  local status=$?
  rm -rf "$again"
  return $status
}
check "regeneration gives identical files" regenerate_identical

echo "swift: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
