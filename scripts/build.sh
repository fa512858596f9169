#!/bin/sh
# Builds the wasm module (web/wasm/convlab.{mjs,wasm}) and, with --native, the native tests too.
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

if [ "${1:-}" = "--native" ]; then
  if [ ! -f build/native/CMakeCache.txt ]; then
    cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build build/native -j"$JOBS"
fi
