// Saved runs in IndexedDB (one object store, records as decodeRun returns them plus an id):
// the weights stay an ArrayBuffer, which IndexedDB stores as it is.
const DB = 'convlab';
const STORE = 'runs';
// Errors as codes for the message catalog (ui/runs_panel.mjs renders them).
const coded = (code) => Object.assign(new Error(code), { code, params: {} });

function request(r) {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

export async function openRunStore(indexedDB = globalThis.indexedDB) {
  if (!indexedDB) throw coded('runs.noIndexedDB');
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
  const db = await request(open);
  const tx = (mode, fn) => {
    const t = db.transaction(STORE, mode);
    const result = request(fn(t.objectStore(STORE)));
    return new Promise((ok, fail) => {
      t.oncomplete = () => result.then(ok);
      t.onerror = () => fail(t.error);
      t.onabort = () => fail(t.error ?? coded('runs.refused'));
    });
  };
  return {
    // Summaries only (no weights) for the list.
    async list() {
      const all = await tx('readonly', (s) => s.getAll());
      return all.map(({ id, name, savedAt, settings, history }) => ({ id, name, savedAt, settings, epochs: history.length, last: history.at(-1) ?? null }));
    },
    save(run) { return tx('readwrite', (s) => s.add({ ...run, savedAt: run.savedAt ?? new Date().toISOString() })); },
    get(id) { return tx('readonly', (s) => s.get(id)); },
    delete(id) { return tx('readwrite', (s) => s.delete(id)); },
  };
}
