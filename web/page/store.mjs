// The page's one store: a plain state object replaced (never mutated) by set(), and listeners
// told after every change with (state, previous). Panels read it and subscribe; only the
// controller writes it.
export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      const previous = state;
      state = Object.freeze({ ...state, ...(typeof patch === 'function' ? patch(state) : patch) });
      for (const fn of [...listeners]) fn(state, previous);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
