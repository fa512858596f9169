// Two more ways into the "Try your own image" panel, beside a file, a drop and a paste:
// - a camera snapshot (getUserMedia), only after the student presses "Use the camera"; the
//   camera is switched off again after the snapshot or on "Close the camera";
// - a drawing pad: white strokes on black, as MNIST digits (and Fashion-MNIST's pieces) are, so
//   no inversion is needed; each finished stroke is a new picture.
// Both hand RGBA ImageData to `take`, the same form a file becomes.
const PAD_SIDE = 280;  // drawn at 10× the 28×28 input: the area resize smooths the strokes
const STROKE = 22;     // about two input pixels wide, like a pen-written MNIST digit
const SNAPSHOT_SIDE = 448;

export function mountPictureSources(panel, { take, status }) {
  const $ = (id) => panel.querySelector(`#${id}`);
  mountCamera($, { take, status });
  mountPad($, { take });
}

function mountCamera($, { take, status }) {
  const open = $('own-image-camera'), box = $('own-image-camera-box'), video = $('own-image-video');
  let stream = null;
  const stop = () => {
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = null;
    video.srcObject = null;
    box.hidden = true;
    open.setAttribute('aria-expanded', 'false');
  };
  open.addEventListener('click', async () => {
    if (stream) { stop(); return; }
    if (!navigator.mediaDevices?.getUserMedia) { status('ownImage.camera.unavailable'); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    } catch (e) {
      status('ownImage.camera.refused', { detail: e.name ?? String(e) });
      return;
    }
    video.srcObject = stream;
    box.hidden = false;
    open.setAttribute('aria-expanded', 'true');
    await video.play().catch(() => {});
    status('ownImage.camera.on');
  });
  $('own-image-snapshot').addEventListener('click', () => {
    if (!stream || !video.videoWidth) return;
    const scale = Math.min(1, SNAPSHOT_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    stop();
    take(ctx.getImageData(0, 0, canvas.width, canvas.height));
  });
  $('own-image-camera-close').addEventListener('click', stop);
}

function mountPad($, { take }) {
  const open = $('own-image-draw'), box = $('own-image-pad-box'), pad = $('own-image-pad');
  pad.width = pad.height = PAD_SIDE;
  const ctx = pad.getContext('2d', { willReadFrequently: true });
  const clear = () => { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, PAD_SIDE, PAD_SIDE); };
  clear();
  open.addEventListener('click', () => {
    box.hidden = !box.hidden;
    open.setAttribute('aria-expanded', String(!box.hidden));
  });
  let drawing = null;  // the last point of the stroke in progress
  const point = (e) => {
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * (PAD_SIDE / r.width), (e.clientY - r.top) * (PAD_SIDE / r.height)];
  };
  const line = (from, to) => {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = STROKE;
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
  };
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture?.(e.pointerId);
    drawing = point(e);
    line(drawing, drawing);
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const next = point(e);
    line(drawing, next);
    drawing = next;
  });
  const end = () => {
    if (!drawing) return;
    drawing = null;
    take(ctx.getImageData(0, 0, PAD_SIDE, PAD_SIDE));
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  $('own-image-pad-clear').addEventListener('click', () => {
    clear();
    take(ctx.getImageData(0, 0, PAD_SIDE, PAD_SIDE));
  });
}
