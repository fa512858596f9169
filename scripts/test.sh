#!/bin/sh
# Every test suite: native doctest, the same doctest suite as wasm under Node, then node --test.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh --native
clang-format --dry-run --Werror $(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp')
ctest --test-dir build/native --output-on-failure
ctest --test-dir build/wasm --output-on-failure
node --test tests/js/*.test.mjs
node --test tests/e2e/*.test.mjs

# --- Reliability (issue 8): the native unit tests under ASan + UBSan, then under ThreadSanitizer
# on 2 threads with every kernel split (CONVLAB_TEST_THREADS=2; the first race report fails the
# run), then every libFuzzer harness for 60 s from its seed corpus (in parallel;
# CONVLAB_FUZZ_SECONDS in build/fuzz).
sh scripts/build.sh --checks
ctest --test-dir build/asan --output-on-failure
ctest --test-dir build/tsan --output-on-failure
ctest --test-dir build/fuzz --output-on-failure -j3
