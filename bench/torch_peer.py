#!/usr/bin/python3
"""The PyTorch peer rows of `npm run bench -- --peers torch`: the same Keras model in PyTorch CPU
(Debian's python3-torch; oneDNN), Keras's initializers, Adam with Keras's epsilon 1e-7, batch 32,
on the real Fashion-MNIST, on a given number of threads. Prints one JSON object:
{"train": [img/s per run], "infer": [img/s per run]} (or {"error": ...}).

  /usr/bin/python3 bench/torch_peer.py PRESET_JSON DATA_DIR THREADS SECONDS RUNS WARMUP
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
from torch import nn

BATCH = 32


def read_images(path, n):
    with gzip.open(path, 'rb') as f:
        data = f.read(16 + n * 784)
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 1, 28, 28).astype(np.float32) / 255


def read_labels(path, n):
    with gzip.open(path, 'rb') as f:
        data = f.read(8 + n)
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)


ACTIVATIONS = {'relu': nn.ReLU, 'softmax': None, None: None, 'linear': None, 'tanh': nn.Tanh, 'sigmoid': nn.Sigmoid}


def build(preset):
    """The terse preset ({input_shape, layers: [...]}) as nn.Sequential, channels first. The final
    softmax is left to CrossEntropyLoss (the same maths as softmax + sparse categorical CE)."""
    h, w, c = preset['input_shape']
    layers = []
    for spec in preset['layers']:
        name, args = (spec, {}) if isinstance(spec, str) else next(iter(spec.items()))
        if name == 'Conv2D':
            k = args['kernel_size']
            same = args.get('padding', 'valid') == 'same'
            conv = nn.Conv2d(c, args['filters'], k, padding=k // 2 if same else 0)
            nn.init.xavier_uniform_(conv.weight)
            nn.init.zeros_(conv.bias)
            layers.append(conv)
            c = args['filters']
            if not same:
                h, w = h - k + 1, w - k + 1
        elif name == 'MaxPooling2D':
            layers.append(nn.MaxPool2d(2))
            h, w = h // 2, w // 2
        elif name == 'Flatten':
            layers.append(nn.Flatten())
            c, h, w = c * h * w, 1, 1
        elif name == 'Dense':
            dense = nn.Linear(c, args['units'])
            nn.init.xavier_uniform_(dense.weight)
            nn.init.zeros_(dense.bias)
            layers.append(dense)
            c = args['units']
        else:
            raise ValueError(f'no PyTorch mapping for {name}')
        act = ACTIVATIONS.get(args.get('activation')) if name in ('Conv2D', 'Dense') else None
        if act:
            layers.append(act())
    return nn.Sequential(*layers)


def timed(step, seconds, min_steps=3):
    t0 = time.perf_counter()
    steps = 0
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and steps >= min_steps:
            return steps * BATCH / elapsed


def main():
    preset = json.loads(sys.argv[1])
    data_dir, threads = sys.argv[2], int(sys.argv[3])
    seconds, runs, warmup = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    n = 60000
    x = torch.from_numpy(read_images(f'{data_dir}/train-images-idx3-ubyte.gz', n))
    y = torch.from_numpy(read_labels(f'{data_dir}/train-labels-idx1-ubyte.gz', n))
    model = build(preset)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    batches = n // BATCH
    state = {'i': 0}

    def next_batch():
        i = state['i'] % batches
        state['i'] += 1
        return x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]

    def train_step():
        xb, yb = next_batch()
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        opt.step()

    def infer_step():
        xb, _ = next_batch()
        with torch.no_grad():
            model(xb)

    model.train()
    for _ in range(warmup):
        train_step()
    train = [timed(train_step, seconds) for _ in range(runs)]
    model.eval()
    for _ in range(warmup):
        infer_step()
    infer = [timed(infer_step, seconds) for _ in range(runs)]
    print(json.dumps({'train': train, 'infer': infer, 'version': torch.__version__}))


if __name__ == '__main__':
    try:
        main()
    except Exception as e:  # one line for the bench table
        print(json.dumps({'error': f'{type(e).__name__}: {e}'}))
