#!/usr/bin/env bash
# Builds inkanFFI.xcframework (static libraries for iOS devices, the iOS simulator and macOS,
# with the generated C header and module map) and Sources/Inkan/Inkan.swift for Package.swift.
#
# Needs a Mac with Xcode (xcodebuild, lipo) and
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin
# OpenSSL (linked by josekit) is compiled from source per target (josekit's `vendored` feature;
# not `--locked`: that adds openssl-src to the lock file, which the host build does not list).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
profile=mobile
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)

for target in "${targets[@]}"; do
  # A static library only for Apple targets: host builds keep crate-type lib + cdylib.
  cargo rustc -p inkan-bindings --lib --profile "$profile" --target "$target" \
    --features josekit/vendored --crate-type staticlib
done

# The Swift bindings and the header, read from the macOS dynamic library (same interface).
cargo build -p inkan-bindings --profile "$profile" --features josekit/vendored
LIB="$root/target/$profile/libinkan.dylib" bindings/generate.sh "$root/target/bindings-apple"
gen=$root/target/bindings-apple/swift

work=$root/target/xcframework
rm -rf "$work" "$here/inkanFFI.xcframework"
mkdir -p "$work/headers" "$work/ios-sim" "$work/macos"
cp "$gen/inkanFFI.h" "$work/headers/"
cp "$gen/inkanFFI.modulemap" "$work/headers/module.modulemap"
lib() { echo "$root/target/$1/$profile/libinkan.a"; }
# One library per platform: the simulator and macOS slices are fat (arm64 + x86_64).
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-sim/libinkan.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libinkan.a"
xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$work/headers" \
  -library "$work/ios-sim/libinkan.a" -headers "$work/headers" \
  -library "$work/macos/libinkan.a" -headers "$work/headers" \
  -output "$here/inkanFFI.xcframework"

mkdir -p "$here/Sources/Inkan"
cp "$gen/Inkan.swift" "$here/Sources/Inkan/Inkan.swift"
echo "built $here/inkanFFI.xcframework and Sources/Inkan/Inkan.swift; try: swift build (in $here)"
