#!/bin/sh
# Installs what convlab needs and is missing; a no-op (about a second) when all is there.
# Debian packages go in with apt-get (as root, or through sudo); npm packages with `npm ci`.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="cmake g++ make emscripten libxtensor-dev libxsimd-dev doctest-dev nlohmann-json3-dev dataset-fashion-mnist chromium"
# Reliability checks (issue 8): clang + libFuzzer for the fuzz harnesses in tests/fuzz/.
PACKAGES="$PACKAGES clang-14 libclang-rt-14-dev"
# CJK fonts, so the Korean and Japanese screenshots (tests/e2e/languages.e2e.test.mjs) are not tofu.
PACKAGES="$PACKAGES fonts-noto-cjk"
# The other engines students use (tests/e2e/browsers.e2e.test.mjs): Firefox, and WebKit's
# MiniBrowser with its WebDriver, which needs an X display (Xvfb).
PACKAGES="$PACKAGES firefox-esr webkit2gtk-driver xvfb xauth"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup: not root and no sudo; please install:$missing" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# npm ci only when a locked package is missing or the lockfile changed since the last install.
if ! node -e '
  const fs = require("fs");
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
  const wanted = Object.keys(lock.packages || {}).filter((p) => p && !lock.packages[p].optional);
  const stamp = "node_modules/.package-lock.json";
  const fresh = wanted.length === 0 ||
    (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= fs.statSync("package-lock.json").mtimeMs);
  process.exit(fresh && wanted.every((p) => fs.existsSync(p)) ? 0 : 1);'; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
