// Runs datasets_worker.mjs (web/lib/data in a module Worker) and publishes what it read.
const worker = new Worker(new URL('./datasets_worker.mjs', import.meta.url), { type: 'module' });
worker.onmessage = (e) => { window.datasetsResult = e.data; };
worker.onerror = (e) => { window.datasetsResult = { error: e.message }; };
