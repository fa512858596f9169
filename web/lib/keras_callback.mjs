// The course's stop-at-threshold callback, read from pasted notebook code:
//
//   class myCallback(tf.keras.callbacks.Callback):
//     def on_epoch_end(self, epoch, logs={}):
//       if(logs.get('accuracy') > 0.995):
//         print("\nReached 99.5% accuracy so cancelling training!")
//         self.model.stop_training = True
//
// → {monitor: 'accuracy', threshold: 0.995, mode: 'max', message: 'Reached 99.5% accuracy so
// cancelling training!'}, or null when the code defines no such class. Only this shape is read
// (a comparison of logs.get('name') or logs['name'] with a number, and the print before the
// stop); the notes' copies lose their indentation, so the class body is found by text, not by
// Python's blocks. Python is never run.
const CLASS = /^[ \t]*class\s+\w+\s*\(\s*(?:[\w.]*\.)?Callback\s*\)\s*:/m;
const METRIC = String.raw`logs\s*(?:\.get\s*\(\s*['"](\w+)['"]\s*\)|\[\s*['"](\w+)['"]\s*\])`;
const NUMBER = String.raw`((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)`;
const LEFT = new RegExp(`${METRIC}\\s*(>=|<=|>|<)\\s*${NUMBER}`);  // logs.get('accuracy') > 0.995
const RIGHT = new RegExp(`${NUMBER}\\s*(>=|<=|>|<)\\s*${METRIC}`);  // 0.995 < logs.get('accuracy')
const FLIP = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const PRINT = /print\s*\(\s*[rRuUfF]?(['"])((?:\\.|(?!\1).)*)\1/;

const unescape = (s) => s.replace(/\\n/g, '\n').replace(/\\t/g, ' ').replace(/\\(['"\\])/g, '$1');

export function parseStopCallback(source) {
  const text = String(source);
  const start = text.search(CLASS);
  if (start < 0) return null;
  const body = text.slice(start);
  const left = LEFT.exec(body);
  const right = RIGHT.exec(body);
  const useLeft = left && (!right || left.index <= right.index);
  if (!useLeft && !right) return null;
  const [monitor, op, threshold, at] = useLeft
    ? [left[1] ?? left[2], left[3], Number(left[4]), left.index]
    : [right[3] ?? right[4], FLIP[right[2]], Number(right[1]), right.index];
  if (!Number.isFinite(threshold)) return null;
  const print = PRINT.exec(body.slice(at));
  const message = print ? unescape(print[2]).trim() : null;
  return { monitor, threshold, mode: op.startsWith('>') ? 'max' : 'min', message };
}
