#!/bin/sh
# Copies the page's third-party browser code from node_modules into web/vendor/ (build output,
# git-ignored), so the page loads it from its own origin: no CDN, and CSP default-src 'self' holds.
#   sh scripts/vendor.sh        (needs `npm ci` first)
set -eu
cd "$(dirname "$0")/.."
if [ ! -f node_modules/fflate/esm/browser.js ]; then
  echo "vendor.sh: node_modules/fflate/esm/browser.js is missing; run npm ci first" >&2
  exit 1
fi
mkdir -p web/vendor
# Minified by esbuild on the way (the same code, no comments or spaces: 22 -> 12 KB gzipped for
# fflate); not patched.
minify() { node_modules/.bin/esbuild "$1" --minify --legal-comments=none --log-level=warning --outfile="$2"; }
# Left by builds from before the charts were our own (ui/line_chart.mjs); dist/ would copy them.
rm -f web/vendor/uPlot.esm.js web/vendor/uPlot.min.css web/vendor/uPlot.LICENSE
# fflate (zip for .npz files and image-folder zips): its browser ES module.
minify node_modules/fflate/esm/browser.js web/vendor/fflate.mjs
cp node_modules/fflate/LICENSE web/vendor/fflate.LICENSE
# CodeMirror 6 (the code editor): bundled and minified by esbuild from scripts/codemirror_entry.mjs
# into one ES module, rebuilt only when the entry or the locked versions changed.
out=web/vendor/codemirror.mjs
if [ ! -f "$out" ] || [ scripts/codemirror_entry.mjs -nt "$out" ] || [ package-lock.json -nt "$out" ]; then
  node_modules/.bin/esbuild scripts/codemirror_entry.mjs --bundle --format=esm --minify --legal-comments=none \
    --log-level=warning --outfile="$out"
fi
cat node_modules/@codemirror/view/LICENSE > web/vendor/codemirror.LICENSE
