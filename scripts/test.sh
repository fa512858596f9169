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
