// <convlab-trainer model="lab" epochs="2" hide="eval,experiments" autostart compact></convlab-trainer>
//
// The lab in any page: the element holds an iframe of embed.html configured through its hash
// (the attribute names are those of config.mjs). An iframe rather than the page's DOM: two
// trainers on one page keep their own Worker, ids and styles, and a host page's CSS or CSP
// cannot break the lab. Attribute changes reload the iframe with the new setup.
import { readConfig, configToHash, KEYS } from './config.mjs';

const EMBED = new URL('../embed.html', import.meta.url);
const STYLE = new URL('./convlab-trainer.css', import.meta.url);

export class ConvlabTrainer extends HTMLElement {
  static get observedAttributes() { return [...KEYS, 'height', 'title']; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    // A stylesheet link, not a <style> or style attribute: the host page may forbid inline styles.
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLE.href;
    this.frame = document.createElement('iframe');
    this.frame.setAttribute('part', 'frame');
    root.append(link, this.frame);
  }

  connectedCallback() { this.update(); }
  attributeChangedCallback() { if (this.isConnected) this.update(); }

  get config() { return readConfig((k) => this.getAttribute(k)).config; }

  update() {
    const { config, problems } = readConfig((k) => this.getAttribute(k));
    this.problems = problems;
    const src = `${EMBED.href}#${configToHash(config)}`;
    this.frame.title = this.getAttribute('title') ?? 'convlab: train a CNN on Fashion-MNIST';
    // Height as an attribute of the iframe (not CSS) so no style is needed from the host.
    this.frame.height = this.getAttribute('height') ?? (config.compact ? '640' : '900');
    if (this.frame.src !== src) this.frame.src = src;
  }
}

if (!customElements.get('convlab-trainer')) customElements.define('convlab-trainer', ConvlabTrainer);
