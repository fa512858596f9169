// FLOPs per image from the model itself (convlab's describe(): class, output shape, params),
// counting 2 per multiply-add of Conv2D and Dense, as the figures do (lab: 2.83 M
// forward). Training is counted as 3x forward (forward, input gradient, weight gradient).
export function forwardFlops(layers) {
  let macs = 0;
  for (const l of layers) {
    if (l.class_name === 'Conv2D') {
      const [oh, ow, filters] = l.output_shape;
      macs += oh * ow * (l.params - filters);  // kernel weights (params minus bias) per pixel
    } else if (l.class_name === 'Dense') {
      macs += l.params - l.output_shape[0];
    }
  }
  return 2 * macs;
}

export const trainFlops = (layers) => 3 * forwardFlops(layers);
