#!/usr/bin/env bash
# Compiles the generated Kotlin bindings with the JUnit tests (kotlinc from the npm package
# kotlin-compiler, pinned in package-lock.json; JNA and JUnit from Debian) and runs them on the
# JVM against the built libinkan. Prints `kotlin: N passed, N failed`.
#
#   bindings/kotlin/run-tests.sh BINDINGS_DIR      (the output of bindings/generate.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
generated=${1:?usage: run-tests.sh BINDINGS_DIR}
kotlin_lib=$here/node_modules/kotlin-compiler/lib
cp_deps=/usr/share/java/jna.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar
cp_kotlin=$kotlin_lib/kotlin-stdlib.jar:$kotlin_lib/kotlin-test.jar:$kotlin_lib/kotlinx-coroutines-core-jvm.jar
out=$generated/kotlin-classes
rm -rf "$out" && mkdir -p "$out"

# kotlinc is a plain JVM program: run it directly (no daemon, no Gradle).
java -Xss8m -cp "$kotlin_lib/kotlin-compiler.jar:$kotlin_lib/kotlin-stdlib.jar:$kotlin_lib/kotlin-reflect.jar:$kotlin_lib/kotlin-script-runtime.jar:$kotlin_lib/kotlinx-coroutines-core-jvm.jar:$kotlin_lib/annotations-13.0.jar" \
  org.jetbrains.kotlin.cli.jvm.K2JVMCompiler \
  -no-stdlib -no-reflect -nowarn -jvm-target 17 \
  -classpath "$cp_deps:$cp_kotlin" -d "$out" \
  "$generated/kotlin/org/inkan/inkan.kt" "$here/src/test/kotlin/InkanTest.kt"

java -Djna.library.path="$generated/lib" -Dinkan.root="$root" \
  -cp "$out:$cp_deps:$cp_kotlin" RunTests
