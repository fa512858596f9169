// The CLI's image decoder for image-folder datasets (the page uses createImageBitmap):
// PNG through pngjs, JPEG through jpeg-js (both pure JS, maintained), then resized to the
// model's input by averaging each output pixel's footprint (a box filter: right for the usual
// case, photos shrunk to 28-64 px). WebP has no maintained pure-JS decoder, so under Node such
// files are skipped and counted, with that reason.
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

const isPng = (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b) => b[0] === 0xff && b[1] === 0xd8;
const isWebp = (b) => b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP';

export function decodeRgba(bytes) {
  if (isPng(bytes)) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: png.data };
  }
  if (isJpeg(bytes)) return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
  if (isWebp(bytes)) throw new Error('WebP images are decoded in the browser only; convert them to PNG or JPEG for the CLI');
  throw new Error('not a PNG or JPEG file');
}

// RGBA (width x height) -> RGBA (w x h).
export function resizeRgba({ width, height, data }, [h, w]) {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * width) / w), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w));
      const sum = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const p = (sy * width + sx) * 4;
          for (let k = 0; k < 4; k++) sum[k] += data[p + k];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      for (let k = 0; k < 4; k++) out[(y * w + x) * 4 + k] = Math.round(sum[k] / n);
    }
  }
  return out;
}

export async function decodeImage(blob, size) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return { data: resizeRgba(decodeRgba(bytes), size) };
}
