#!/usr/bin/python3
"""PyTorch eager baseline for bench/style_bench: the public AdaIN port's stylization, as a user would run it.

    GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184 \
    /usr/bin/python3 bench/pytorch_stylize_baseline.py --weights-dir DIR --work-dir DIR \
        --content 512x512 --style 512x512 --repeats 3 --threads 2 [--precision fp32|bf16]

The networks are the port's nn.Sequential modules (defined once, in tests/fixtures/style/make_vgg_fixtures.py),
loaded from DIR/vgg_normalised_zip.pth and DIR/decoder_zip.pth; the encoder is cut after relu4_1 as the port does.
Content and style are seeded random images (sizes WIDTHxHEIGHT), written to the work dir as content.npy / style.npy (2-D
float32, (3*H, W)) so the C++ side stylizes the very same pixels; the last output goes to output.npy the same way.
One warm-up run, then `repeats` (>= 0) timed runs under torch.no_grad() (the port's test.py); bf16 converts the networks
and inputs with .bfloat16(), padding round-trips through float32 (torch 1.13 has no bf16 reflection padding).
Prints one JSON line: {"seconds": [...], "cpu_seconds": [...], "max_rss_kib": N, "threads": T} (wall and process
CPU time of each timed run).
"""
import argparse
import importlib.util
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_SCRIPT = os.path.join(HERE, '..', 'tests', 'fixtures', 'style', 'make_vgg_fixtures.py')


def load_port():
    spec = importlib.util.spec_from_file_location('make_vgg_fixtures', FIXTURE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def size(text):
    """WIDTHxHEIGHT, as depthstyle's options write sizes -> (height, width), a tensor's order."""
    width, height = text.lower().split('x')
    return int(height), int(width)


class Float32ReflectionPad(nn.Module):
    """ReflectionPad2d(1) for bf16 tensors in torch 1.13: through float32 and back (exact)."""

    def forward(self, x):
        return F.pad(x.float(), (1, 1, 1, 1), mode='reflect').to(x.dtype)


def to_bfloat16(sequential):
    modules = [Float32ReflectionPad() if isinstance(m, nn.ReflectionPad2d) else m for m in sequential]
    return nn.Sequential(*modules).bfloat16()


def peak_rss_kib():
    """VmHWM, this process's own peak (ru_maxrss would include the spawning parent's, which Linux carries over)."""
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    raise RuntimeError('no VmHWM in /proc/self/status')


def save_image(path, tensor):
    array = tensor.detach().float().numpy()
    np.save(path, np.ascontiguousarray(array.reshape(-1, array.shape[-1])))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--weights-dir', required=True)
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--content', type=size, default=(512, 512))
    parser.add_argument('--style', type=size, default=(512, 512))
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, required=True)
    parser.add_argument('--precision', choices=('fp32', 'bf16'), default='fp32')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    port = load_port()

    vgg, decoder = port.make_vgg(), port.make_decoder()
    vgg.load_state_dict(torch.load(os.path.join(args.weights_dir, 'vgg_normalised_zip.pth')))
    decoder.load_state_dict(torch.load(os.path.join(args.weights_dir, 'decoder_zip.pth')))
    encoder = port.encoder_to_relu4_1(vgg).eval()
    decoder.eval()

    generator = torch.Generator().manual_seed(20)
    content = torch.rand(1, 3, *args.content, generator=generator)
    style = torch.rand(1, 3, *args.style, generator=generator)
    os.makedirs(args.work_dir, exist_ok=True)
    save_image(os.path.join(args.work_dir, 'content.npy'), content)
    save_image(os.path.join(args.work_dir, 'style.npy'), style)
    if args.precision == 'bf16':
        encoder, decoder = to_bfloat16(encoder), to_bfloat16(decoder)
        content, style = content.bfloat16(), style.bfloat16()

    seconds, cpu_seconds = [], []
    with torch.no_grad():
        output = port.style_transfer(encoder, decoder, content, style)  # warm-up
        for _ in range(args.repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            output = port.style_transfer(encoder, decoder, content, style)
            seconds.append(time.perf_counter() - start)
            cpu_seconds.append(time.process_time() - cpu_start)
    save_image(os.path.join(args.work_dir, 'output.npy'), output)
    print(json.dumps({'seconds': seconds, 'cpu_seconds': cpu_seconds, 'max_rss_kib': peak_rss_kib(),
                      'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
