#!/bin/sh
# Every test suite: native doctest, the same doctest suite as wasm under Node, then node --test
# (units, then the page in Chromium, and in Firefox and WebKit: tests/e2e/browsers.e2e.test.mjs).
set -eu
cd "$(dirname "$0")/.."
# Seconds since the start before each phase, so a slow CI run shows where its time went.
start=$(date +%s)
phase() { echo "== [$(($(date +%s) - start)) s] $*"; }
phase setup
sh scripts/setup.sh
phase build
sh scripts/build.sh --native
phase format
clang-format --dry-run --Werror $(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp')
phase doctest native and wasm
ctest --test-dir build/native --output-on-failure
ctest --test-dir build/wasm --output-on-failure
# node --test runs one file at a time on 2 cores (availableParallelism - 1); the unit files are
# independent, and the browser files mostly wait on their browsers (0.4 of a core in use at one
# at a time), so both run several at once. The browser files that time the page itself (the
# longest main-thread task, the typing window of an undo step, frames per second, the
# heartbeat) run afterwards, alone, so another file's browser cannot slow what they measure.
phase node tests
node --test --test-concurrency=2 tests/js/*.test.mjs
phase browser tests: Chromium, Firefox, WebKit
timed="page editor training_cost reliability"
untimed=""
for f in tests/e2e/*.e2e.test.mjs; do
  case " $timed " in *" $(basename "$f" .e2e.test.mjs) "*) ;; *) untimed="$untimed $f" ;; esac
done
node --test --test-concurrency=3 $untimed
node --test $(for t in $timed; do echo "tests/e2e/$t.e2e.test.mjs"; done)

# --- Reliability (issue 8): the native unit tests under ASan + UBSan, then under ThreadSanitizer
# on 2 threads with every kernel split (CONVLAB_TEST_THREADS=2; the first race report fails the
# run), then every libFuzzer harness for 30 s from its seed corpus (in parallel;
# CONVLAB_FUZZ_SECONDS in build/fuzz).
phase sanitizer and fuzzer builds
sh scripts/build.sh --checks
phase ASan doctest
ctest --test-dir build/asan --output-on-failure
phase TSan doctest
ctest --test-dir build/tsan --output-on-failure
phase fuzzers
ctest --test-dir build/fuzz --output-on-failure -j3
phase done
