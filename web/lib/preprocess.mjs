// Turns a student's own picture into what the model was trained on, one visible step at a time:
// colour → grey (or kept RGB, as the model's input channels say) → square (pad or centre crop) →
// the model's input size (area average) → optionally inverted (Fashion-MNIST is light on dark;
// most photos are dark on light). Pure: images are {width, height, channels, data: Float32Array}
// with values in [0, 1], rows of pixels, channels interleaved (HWC, as the engine reads them).

// ITU-R BT.601 luma, the weights PIL's convert('L') uses.
const LUMA = [0.299, 0.587, 0.114];

// RGBA bytes (an ImageData) → channels 1 (grey) or 3 (RGB) in [0, 1]. Transparent pixels are
// composited over white, as a browser shows them.
export function fromRgba({ width, height, data }, channels) {
  if (channels !== 1 && channels !== 3) throw new RangeError(`preprocess: channels must be 1 or 3, got ${channels}`);
  const out = new Float32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const a = data[p * 4 + 3] / 255;
    const rgb = [0, 1, 2].map((k) => (data[p * 4 + k] / 255) * a + (1 - a));
    if (channels === 1) out[p] = rgb[0] * LUMA[0] + rgb[1] * LUMA[1] + rgb[2] * LUMA[2];
    else out.set(rgb, p * 3);
  }
  return { width, height, channels, data: out };
}

// The mean of the outermost ring of pixels, per channel: the background a pad should continue.
export function borderMean({ width, height, channels, data }) {
  const sum = new Float64Array(channels);
  let n = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
      for (let k = 0; k < channels; k++) sum[k] += data[(y * width + x) * channels + k];
      n++;
    }
  }
  return Array.from(sum, (s) => s / Math.max(n, 1));
}

// A square image: 'pad' keeps everything and fills the short side with the border's mean;
// 'crop' keeps the centre square.
export function toSquare(image, mode = 'pad') {
  const { width, height, channels, data } = image;
  if (mode !== 'pad' && mode !== 'crop') throw new RangeError(`preprocess: square mode must be 'pad' or 'crop', got ${mode}`);
  const side = mode === 'pad' ? Math.max(width, height) : Math.min(width, height);
  // Offset of the source in the square (pad: >= 0) or of the square in the source (crop: >= 0).
  const dx = Math.floor(Math.abs(side - width) / 2), dy = Math.floor(Math.abs(side - height) / 2);
  const out = new Float32Array(side * side * channels);
  const fill = mode === 'pad' ? borderMean(image) : null;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sx = mode === 'pad' ? x - dx : x + dx, sy = mode === 'pad' ? y - dy : y + dy;
      const inside = sx >= 0 && sx < width && sy >= 0 && sy < height;
      for (let k = 0; k < channels; k++) {
        out[(y * side + x) * channels + k] = inside ? data[(sy * width + sx) * channels + k] : fill[k];
      }
    }
  }
  return { width: side, height: side, channels, data: out };
}

// Resampling by area: each output pixel is the mean of the source area it covers (partly
// covered source pixels count by their covered fraction). Shrinking by an integer factor is the
// mean of each block, so an upscaled 28×28 image comes back exactly.
export function resizeArea({ width, height, channels, data }, outWidth, outHeight) {
  const out = new Float32Array(outWidth * outHeight * channels);
  const sx = width / outWidth, sy = height / outHeight;
  const spans = (n, scale, limit) => Array.from({ length: n }, (_, i) => {
    const from = i * scale, to = (i + 1) * scale, parts = [];
    for (let s = Math.floor(from); s < Math.min(Math.ceil(to), limit); s++) {
      const w = Math.min(to, s + 1) - Math.max(from, s);
      if (w > 0) parts.push([s, w / scale]);
    }
    return parts;
  });
  const xs = spans(outWidth, sx, width), ys = spans(outHeight, sy, height);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      for (let k = 0; k < channels; k++) {
        let v = 0;
        for (const [row, wy] of ys[y]) for (const [col, wx] of xs[x]) v += data[(row * width + col) * channels + k] * wy * wx;
        out[(y * outWidth + x) * channels + k] = v;
      }
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}

export function invert(image) {
  return { ...image, data: Float32Array.from(image.data, (v) => 1 - v) };
}

// Every step, for the panel to draw: {colour, square, resized, input}; input.data is what the
// engine gets. shape: the model's input [h, w, c].
export function preprocess(rgba, { shape, square = 'pad', invert: flip = false }) {
  const [h, w, c] = shape;
  const colour = fromRgba(rgba, c);
  const squared = toSquare(colour, square);
  const resized = resizeArea(squared, w, h);
  const input = flip ? invert(resized) : resized;
  return { colour, square: squared, resized, input };
}
