// A seeded subset of Keras's ImageDataGenerator (rotation, shifts, zoom, flips) for NHWC Float32
// batches. Like Keras (apply_affine_transform + scipy.ndimage.affine_transform with order=1) each
// image goes through one affine map about its centre, sampled by inverse mapping with bilinear
// interpolation; flips come after it, as Keras applies them after the affine step.
//
// Where this differs from Keras, on purpose:
// - heightShiftRange moves rows and widthShiftRange columns, as Keras documents. Keras itself
//   has them swapped since keras-preprocessing PR #318 (keras-team/tf-keras#310).
// - The centre is ((width-1)/2, (height-1)/2); Keras mixes up height and width there, which only
//   matters for non-square images.
// - fillMode 'wrap' tiles the image (scipy's 'grid-wrap'); scipy's 'wrap' overlaps the first
//   and last pixels.
// - The random numbers come from mulberry32, not NumPy, so the same seed gives the same
//   augmentations here in Node and in a browser, not the ones Keras would draw.
import { checkOptions, checkInteger, checkNumber, checkBoolean, describeValue } from './callbacks.mjs';
import { mulberry32 } from './data/split.mjs';  // integer-only: the same stream on every engine

const FILL_MODES = ['nearest', 'constant', 'reflect', 'wrap'];

// Integer coordinates computed through cos/sin (cos 90deg = 6e-17) land within rounding of a
// whole pixel; snapping them keeps 90-degree turns, flips and integer shifts exact copies.
function snap(v) {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-9 ? r : v;
}

// Index of lattice point i (any integer) in an axis of n pixels, or -1 for the constant fill.
function extend(i, n, mode) {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'nearest': return i < 0 ? 0 : n - 1;
    case 'reflect': {  // scipy 'reflect': d c b a | a b c d | d c b a
      const m = ((i % (2 * n)) + 2 * n) % (2 * n);
      return m < n ? m : 2 * n - 1 - m;
    }
    case 'wrap': return ((i % n) + n) % n;
    default: return -1;
  }
}

const IDENTITY = { theta: 0, tx: 0, ty: 0, zx: 1, zy: 1, flip: false, flipVertical: false };

function isIdentity(p) {
  return p.theta === 0 && p.tx === 0 && p.ty === 0 && p.zx === 1 && p.zy === 1 && !p.flip && !p.flipVertical;
}

// The unchecked core of transformImage; src and dst must not overlap.
function warp(src, dst, h, w, c, p, fillMode, cval) {
  const rad = (p.theta * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      // Flips act on the affine step's output, so they pick which output pixel this is.
      const dx = (p.flip ? w - 1 - col : col) - cx;
      const dy = (p.flipVertical ? h - 1 - r : r) - cy;
      // Keras's matrix R(theta) . T(tx, ty) . Z(zx, zy), about the centre, maps output
      // coordinates (x = column, y = row) to input coordinates.
      const a = p.zx * dx + p.tx;
      const b = p.zy * dy + p.ty;
      let x = snap(cos * a - sin * b + cx);
      let y = snap(sin * a + cos * b + cy);
      const out = (r * w + col) * c;
      if (fillMode === 'constant' && (x < 0 || x > w - 1 || y < 0 || y > h - 1)) {
        // scipy's 'constant': no interpolation reaches outside the image.
        for (let k = 0; k < c; k++) dst[out + k] = cval;
        continue;
      }
      if (fillMode === 'nearest') {
        x = Math.min(Math.max(x, 0), w - 1);
        y = Math.min(Math.max(y, 0), h - 1);
      }
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const i00 = (extend(y0, h, fillMode) * w + extend(x0, w, fillMode)) * c;
      if (fx === 0 && fy === 0) {
        for (let k = 0; k < c; k++) dst[out + k] = src[i00 + k];
        continue;
      }
      const xs1 = extend(fx > 0 ? x0 + 1 : x0, w, fillMode);
      const ys1 = extend(fy > 0 ? y0 + 1 : y0, h, fillMode);
      const i01 = (extend(y0, h, fillMode) * w + xs1) * c;
      const i10 = (ys1 * w + extend(x0, w, fillMode)) * c;
      const i11 = (ys1 * w + xs1) * c;
      for (let k = 0; k < c; k++) {
        const top = (1 - fx) * src[i00 + k] + fx * src[i01 + k];
        const bottom = (1 - fx) * src[i10 + k] + fx * src[i11 + k];
        dst[out + k] = (1 - fy) * top + fy * bottom;
      }
    }
  }
}

function checkShape(owner, h, w, c) {
  checkInteger(owner, 'height', h, 1);
  checkInteger(owner, 'width', w, 1);
  checkInteger(owner, 'channels', c, 1);
}

function checkFillMode(owner, fillMode) {
  if (!FILL_MODES.includes(fillMode)) {
    throw new Error(`${owner}: fillMode must be one of ${FILL_MODES.map((m) => `'${m}'`).join(', ')}, got ${describeValue(fillMode)}`);
  }
}

// One image (h x w x c, channels last) from src into dst. params: theta (degrees,
// counter-clockwise on screen), tx / ty (pixels; as in Keras the output samples the input at
// +tx columns / +ty rows, so positive values move the content left / up), zx / zy (zoom factors
// on columns / rows; > 1 zooms out, as in Keras), flip / flipVertical (after the affine step).
export function transformImage(src, dst, h, w, c, params = {}, fillMode = 'nearest', cval = 0) {
  const owner = 'transformImage';
  checkShape(owner, h, w, c);
  const size = h * w * c;
  if (!(src?.length >= size) || !(dst?.length >= size)) {
    throw new Error(`${owner}: src and dst need ${h}*${w}*${c} = ${size} values, got ${src?.length} and ${dst?.length}`);
  }
  if (src.buffer === dst.buffer && src.byteOffset < dst.byteOffset + size * dst.BYTES_PER_ELEMENT
      && dst.byteOffset < src.byteOffset + size * src.BYTES_PER_ELEMENT) {
    throw new Error(`${owner}: src and dst overlap; transform into a separate buffer`);
  }
  const p = checkOptions(owner, params, IDENTITY);
  for (const key of ['theta', 'tx', 'ty', 'zx', 'zy']) checkNumber(owner, key, p[key]);
  checkBoolean(owner, 'flip', p.flip);
  checkBoolean(owner, 'flipVertical', p.flipVertical);
  checkFillMode(owner, fillMode);
  checkNumber(owner, 'cval', cval);
  warp(src, dst, h, w, c, p, fillMode, cval);
  return dst;
}

export class ImageDataGenerator {
  constructor(options) {
    const owner = 'ImageDataGenerator';
    const o = checkOptions(owner, options, {
      widthShiftRange: 0, heightShiftRange: 0, horizontalFlip: false, rotationRange: 0, zoomRange: 0,
      fillMode: 'nearest', seed: 1, verticalFlip: false, cval: 0,
    });
    checkNumber(owner, 'rotationRange', o.rotationRange, { min: 0 });
    checkNumber(owner, 'widthShiftRange', o.widthShiftRange, { min: 0 });
    checkNumber(owner, 'heightShiftRange', o.heightShiftRange, { min: 0 });
    checkBoolean(owner, 'horizontalFlip', o.horizontalFlip);
    checkBoolean(owner, 'verticalFlip', o.verticalFlip);
    checkFillMode(owner, o.fillMode);
    checkNumber(owner, 'cval', o.cval);
    if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
      throw new Error(`${owner}: seed must be an integer in [0, 4294967295], got ${describeValue(o.seed)}`);
    }
    // Keras: a number z means [1 - z, 1 + z]; a pair is [lo, hi].
    let zoom;
    if (typeof o.zoomRange === 'number') {
      checkNumber(owner, 'zoomRange', o.zoomRange, { min: 0 });
      zoom = [1 - o.zoomRange, 1 + o.zoomRange];
    } else if (Array.isArray(o.zoomRange) && o.zoomRange.length === 2
        && o.zoomRange.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      zoom = [...o.zoomRange];
    } else {
      throw new Error(`${owner}: zoomRange must be a number or a [lo, hi] pair of numbers, got ${describeValue(o.zoomRange)}`);
    }
    if (!(zoom[0] >= 0 && zoom[0] <= zoom[1])) {
      throw new Error(`${owner}: zoomRange must give 0 <= lo <= hi, got [${zoom.join(', ')}]`);
    }
    Object.assign(this, o);
    this.zoomRange = zoom;
    this.random = mulberry32(o.seed);
    this.scratch = new Float32Array(0);
  }

  #uniform(lo, hi) {
    return lo + (hi - lo) * this.random();
  }

  // Keras's shift draw: an integer range r >= 1 picks an integer pixel count from (-r, r)
  // (np.random.choice(r) times a random sign); otherwise uniform in [-r, r), scaled by the image
  // size when r < 1 (a fraction).
  #shift(range, size) {
    if (Number.isInteger(range)) {
      const magnitude = Math.floor(this.random() * range);
      return this.random() < 0.5 ? -magnitude : magnitude;
    }
    const t = this.#uniform(-range, range);
    return range < 1 ? t * size : t;
  }

  // The parameters for one image, drawn in Keras's order (get_random_transform): rotation,
  // height shift, width shift, zoom x and y, then both flip coins (always drawn, as Keras does).
  getRandomTransform(height, width) {
    const theta = this.rotationRange ? this.#uniform(-this.rotationRange, this.rotationRange) : 0;
    const ty = this.heightShiftRange ? this.#shift(this.heightShiftRange, height) : 0;
    const tx = this.widthShiftRange ? this.#shift(this.widthShiftRange, width) : 0;
    let zx = 1;
    let zy = 1;
    if (this.zoomRange[0] !== 1 || this.zoomRange[1] !== 1) {
      zx = this.#uniform(this.zoomRange[0], this.zoomRange[1]);
      zy = this.#uniform(this.zoomRange[0], this.zoomRange[1]);
    }
    const flip = this.random() < 0.5 && this.horizontalFlip;
    const flipVertical = this.random() < 0.5 && this.verticalFlip;
    return { theta, tx, ty, zx, zy, flip, flipVertical };
  }

  // Augments the first n images of x (NHWC, Float32Array) in place; x may be longer (a reused
  // batch buffer). Returns x.
  augmentBatch(x, n, height, width, channels) {
    const owner = 'ImageDataGenerator.augmentBatch';
    if (!(x instanceof Float32Array)) throw new Error(`${owner}: x must be a Float32Array, got ${describeValue(x)}`);
    checkInteger(owner, 'n', n, 0);
    checkShape(owner, height, width, channels);
    const size = height * width * channels;
    if (x.length < n * size) {
      throw new Error(`${owner}: x has ${x.length} values, fewer than n*height*width*channels = ${n}*${height}*${width}*${channels} = ${n * size}`);
    }
    if (this.scratch.length !== size) this.scratch = new Float32Array(size);
    for (let i = 0; i < n; i++) {
      const p = this.getRandomTransform(height, width);
      if (isIdentity(p)) continue;  // bit-for-bit unchanged, and no work
      const image = x.subarray(i * size, (i + 1) * size);
      this.scratch.set(image);
      warp(this.scratch, image, height, width, channels, p, this.fillMode, this.cval);
    }
    return x;
  }
}
