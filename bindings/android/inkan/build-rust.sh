#!/usr/bin/env bash
# Builds libinkan.so for every Android ABI with cargo-ndk into src/main/jniLibs/<abi>/ and
# generates the Kotlin bindings from one of them into src/main/kotlin/.
#
# Needs (a developer machine with the Android SDK, not CI): ANDROID_NDK_HOME (NDK r27+),
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android
#   cargo install cargo-ndk
# OpenSSL (linked by josekit) is compiled from source for each ABI: josekit's `vendored`
# feature, as Android has no system libssl. That needs perl and make. Not `--locked`: the
# vendored build adds openssl-src (300.6.1, OpenSSL 3.6.3 when checked) to the lock file, which
# the host build does not list.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"

# 16 KB pages: Android 15+ devices may use 16 KB memory pages; Google Play requires native
# libraries aligned for them (NDK r27 does this by default; the flag keeps older NDKs right).
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"
cargo ndk --platform 24 \
  -t arm64-v8a -t armeabi-v7a -t x86_64 -t x86 \
  -o "$here/src/main/jniLibs" \
  build -p inkan-bindings --profile mobile --features josekit/vendored

# The interface is read from the Android library itself (library mode works on any target's
# binary), so the Kotlin always matches the .so that ships.
LIB="$here/src/main/jniLibs/arm64-v8a/libinkan.so" bindings/generate.sh "$root/target/bindings-android"
rm -rf "$here/src/main/kotlin"
mkdir -p "$here/src/main/kotlin"
cp -R "$root/target/bindings-android/kotlin/org" "$here/src/main/kotlin/"
