// The dataset the page last used, kept in IndexedDB so a reload does not ask again: a built-in
// name, or the chosen files themselves (Blobs, which IndexedDB stores as they are). Files over
// MAX_KEPT_BYTES in all are used for this visit but not kept (the page says so).
const DB = 'convlab-dataset';
const STORE = 'choice';
const KEY = 'current';
export const MAX_KEPT_BYTES = 200 * 1024 * 1024;

const done = (r) => new Promise((ok, fail) => {
  r.onsuccess = () => ok(r.result);
  r.onerror = () => fail(r.error);
});

// choice: {name} | {files: [{name, path, blob}]}
export const choiceBytes = (choice) => (choice.files ?? []).reduce((sum, f) => sum + f.blob.size, 0);

export async function openDatasetStore(indexedDB = globalThis.indexedDB) {
  if (!indexedDB) throw new Error('no IndexedDB');
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await done(open);
  const tx = (mode, fn) => new Promise((ok, fail) => {
    const t = db.transaction(STORE, mode);
    const result = done(fn(t.objectStore(STORE)));
    t.oncomplete = () => result.then(ok);
    t.onerror = () => fail(t.error);
    t.onabort = () => fail(t.error);
  });
  return {
    get: () => tx('readonly', (s) => s.get(KEY)),
    put: (choice) => tx('readwrite', (s) => s.put(choice, KEY)),
  };
}

export function memoryDatasetStore() {
  let kept;
  return { get: async () => kept, put: async (choice) => { kept = choice; } };
}
