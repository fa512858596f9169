// Experiments rows kept in IndexedDB (their own database, apart from the saved runs' weights),
// so the comparison survives reloads; Clear removes them. Rows are plain objects (runs.mjs).
const DB = 'convlab-experiments';
const STORE = 'rows';

const done = (r) => new Promise((ok, fail) => {
  r.onsuccess = () => ok(r.result);
  r.onerror = () => fail(r.error);
});

export async function openExperimentsStore(indexedDB = globalThis.indexedDB) {
  if (!indexedDB) throw new Error('no IndexedDB');
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
  const db = await done(open);
  const tx = (mode, fn) => new Promise((ok, fail) => {
    const t = db.transaction(STORE, mode);
    const result = done(fn(t.objectStore(STORE)));
    t.oncomplete = () => result.then(ok);
    t.onerror = () => fail(t.error);
    t.onabort = () => fail(t.error);
  });
  return {
    list: () => tx('readonly', (s) => s.getAll()),
    put: (row) => tx('readwrite', (s) => s.put(row)),
    clear: () => tx('readwrite', (s) => s.clear()),
  };
}

// The same interface in memory: where IndexedDB is missing (private mode) and in tests.
export function memoryExperimentsStore() {
  const rows = new Map();
  return {
    list: async () => [...rows.values()].sort((a, b) => a.id - b.id),
    put: async (row) => { rows.set(row.id, structuredClone(row)); },
    clear: async () => rows.clear(),
  };
}
