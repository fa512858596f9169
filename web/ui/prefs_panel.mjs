// The page's language and theme: chosen before the panels mount, changed in the header's picker
// and remembered in localStorage. A language change reloads the page (every panel renders its
// text once from the catalog; runs and experiments survive a reload); a theme change is only
// an attribute on <html> that the stylesheets and the charts read.
import { t, chooseLanguage, languages, LANGUAGE_NAMES, language } from '../lib/i18n.mjs';

const LANG_KEY = 'convlab.lang';
const THEME_KEY = 'convlab.theme';
export const THEMES = ['auto', 'light', 'dark'];

// Private mode or a sandboxed iframe may refuse storage: then nothing is remembered.
const load = (key) => { try { return localStorage.getItem(key); } catch { return null; } };
const save = (key, v) => { try { localStorage.setItem(key, v); } catch { /* not remembered */ } };

// ?lang= wins, then the embed's lang, the saved choice, the browser's languages.
export function pageLanguage(win, embedLang) {
  const query = new URLSearchParams(win.location.search).get('lang');
  return chooseLanguage(query, embedLang, load(LANG_KEY), win.navigator.languages ?? [win.navigator.language]);
}

export function applyTheme(doc, theme = load(THEME_KEY)) {
  const chosen = THEMES.includes(theme) ? theme : 'auto';
  if (chosen === 'auto') delete doc.documentElement.dataset.theme;
  else doc.documentElement.dataset.theme = chosen;
  doc.defaultView?.dispatchEvent(new Event('convlab-theme'));
  return chosen;
}

// Whether the page is dark now (the chosen theme, or the system's when 'auto').
export function isDark(doc) {
  const theme = doc.documentElement.dataset.theme;
  if (theme) return theme === 'dark';
  return doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

function picker(doc, id, labelKey, options, value, onChange) {
  const wrap = doc.createElement('span');
  wrap.className = 'pref';
  const label = doc.createElement('label');
  label.htmlFor = id;
  label.textContent = t(labelKey);
  const select = doc.createElement('select');
  select.id = id;
  for (const [v, text] of options) select.append(new Option(text, v, false, v === value));
  select.addEventListener('change', () => onChange(select.value));
  wrap.append(label, select);
  return wrap;
}

export function mountPrefsPanel(doc) {
  const host = doc.getElementById('prefs');
  if (!host) return;
  const win = doc.defaultView;
  const langs = picker(doc, 'pref-lang', 'page.language', languages().map((l) => [l, LANGUAGE_NAMES[l]]), language(), (next) => {
    save(LANG_KEY, next);
    const url = new URL(win.location.href);
    if (!url.searchParams.has('lang')) return win.location.reload();
    url.searchParams.set('lang', next);
    win.location.replace(url.href);
  });
  const theme = picker(doc, 'pref-theme', 'page.theme', THEMES.map((v) => [v, t(`page.theme.${v}`)]), applyTheme(doc), (next) => {
    save(THEME_KEY, next);
    applyTheme(doc, next);
  });
  host.replaceChildren(langs, theme);
}
