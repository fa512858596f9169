// The Share panel: a link and two HTML snippets (iframe, <convlab-trainer>) that open the lab
// with the current model and settings, each with a Copy button; and applyLayout, which hides
// the panels and controls a shared setup asks to hide.
import { shareSetup, PANELS } from '../embed/config.mjs';
import { presetCode } from '../page/presets_code.mjs';
import { PAGE_PRESETS } from './model_panel.mjs';
import { t, language } from '../lib/i18n.mjs';

export function applyLayout(root, config) {
  const hideElement = (el) => {
    if (!el) return;
    el.hidden = true;
    // A control's label goes with it: wrapping or pointing at it.
    (el.closest('label') ?? root.querySelector(`label[for="${el.id}"], label[data-for="${el.id}"]`))?.setAttribute('hidden', '');
  };
  if (config.show?.length) {
    for (const [name, id] of Object.entries(PANELS)) if (!config.show.includes(name)) root.getElementById(id).hidden = true;
  }
  for (const name of config.hide ?? []) hideElement(root.getElementById(PANELS[name] ?? name));
  root.body.classList.toggle('compact', Boolean(config.compact));
}

// The shared setup carries the page's language (lang= in the link's hash, lang="" on the custom
// element), so students open the lab in the language their teacher set it up in.
export function currentSetup(state, { hide = [], autostart = false, compact = false, images, filter, lang = language() }) {
  const preset = PAGE_PRESETS.find((name) => presetCode(name) === state.code);
  return { ...state.settings, model: preset ?? state.code, images, filter, hide, autostart, compact, lang };
}

async function copyText(field) {
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();  // no clipboard permission: selected for Ctrl+C
    document.execCommand?.('copy');
  }
}

export function mountSharePanel(root, { store }) {
  const $ = (id) => root.querySelector(`#${id}`);
  $('share').addEventListener('click', () => {
    const setup = currentSetup(store.get(), {
      hide: $('share-hide').value.split(',').map((v) => v.trim()).filter(Boolean),
      autostart: $('share-autostart').checked, compact: $('share-compact').checked,
      images: $('map-images').value.split(',').map((v) => Number(v.trim())).filter(Number.isInteger),
      filter: Number($('map-filter').value),
    });
    const { pageUrl, iframe, element } = shareSetup(setup, new URL('.', location.href));
    $('share-url').value = pageUrl;
    $('share-iframe').value = iframe;
    $('share-element').value = element;
    $('share-output').hidden = false;
    $('share-url').focus();
    $('share-url').select();
  });
  for (const button of root.querySelectorAll('button.copy')) {
    button.addEventListener('click', async () => {
      await copyText($(button.dataset.copy));
      $('share-copied').textContent = t('share.copied');
    });
  }
}
