// web/embed.html (the lab for iframes, configured by the URL hash: web/embed/config.mjs) is
// made from web/index.html at build time, so the two pages cannot drift apart: same markup,
// ids and scripts; only the title, a body class and a one-line header differ.
//   node scripts/embed_page.mjs            (scripts/build.sh runs it; the output is git-ignored)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EDITS = [
  [/<!doctype html>\n/, '<!doctype html>\n<!-- Made from index.html by scripts/embed_page.mjs: edit index.html, not this. -->\n'],
  [/<title>[^<]*<\/title>/, '<title>convlab (embedded) · train a CNN on Fashion-MNIST</title>'],
  [/<body>/, '<body class="embed">'],
  [/<h1>convlab<\/h1>\s*<p class="tagline" data-i18n="page.tagline"><\/p>/,
    '<h1>convlab <span class="tagline" data-i18n="page.embedTagline"></span></h1>'],
];

// The embed page for index.html's text; throws naming the piece index.html no longer has.
export function embedPage(index) {
  return EDITS.reduce((html, [pattern, replacement]) => {
    if (!pattern.test(html)) throw new Error(`embed_page: web/index.html has no ${pattern} any more; update scripts/embed_page.mjs`);
    return html.replace(pattern, replacement);
  }, index);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const web = new URL('../web/', import.meta.url);
  writeFileSync(new URL('embed.html', web), embedPage(readFileSync(new URL('index.html', web), 'utf8')));
}
