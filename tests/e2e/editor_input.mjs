// Puts code into the page's code editor the way a student does: select all, then paste (the
// notebook's cell from the clipboard). CodeMirror takes the paste from the event's clipboard
// data; Playwright's fill() would instead type into the editable DOM, where Chromium's editing
// writes style attributes that the page's strict CSP (rightly) refuses.
export async function pasteCode(page, code) {
  await page.click('#editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.evaluate((text) => {
    const content = document.getElementById('editor').shadowRoot.querySelector('.cm-content');
    const data = new DataTransfer();
    data.setData('text/plain', text);
    content.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, code);
}

// The editor's code, as the page holds it.
export const editorCode = (page) => page.$eval('#editor', (host) => host.value);
