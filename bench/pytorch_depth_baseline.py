#!/usr/bin/python3
"""PyTorch eager baseline for bench/depth_bench: one depth network's forward pass, as the reference code runs it.

    GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184 \
    /usr/bin/python3 bench/pytorch_depth_baseline.py --weights-dir DIR --work-dir DIR \
        --model monodepth2|midas_v1|midas_v2|midas_small|dpt_large|dpt_hybrid|dpt_beit_large|depth_anything_vits|depth_anything_vitb| \
                depth_anything_vitl \
        --size 192x640 \
        --repeats 3 --threads 2

The networks are the reference code's modules (defined once, in tests/fixtures/depth/make_native_fixtures.py and,
for MiDaS v2.1 small, make_midas_small_fixtures.py, for DPT-Large, make_dpt_fixtures.py, for DPT-Hybrid,
make_dpt_hybrid_fixtures.py, for DPT-BEiT-L 512, make_dpt_beit_fixtures.py, for Depth Anything V2,
make_depth_anything_fixtures.py), loaded with
load_state_dict(strict=True) from the weight files those scripts wrote into DIR/weights (midas_small:
DIR/midas_small/weights; DPT-Large: DIR/dpt/weights/midas/dpt_large_384.pt; DPT-Hybrid:
DIR/dpt_hybrid/weights/midas/dpt_hybrid_384.pt; DPT-BEiT-L 512: DIR/dpt_beit/weights/midas/dpt_beit_large_512.pt;
Depth Anything V2: DIR/depth_anything/depth_anything_v2_<variant>.pth;
the published layouts). The input is a seeded 1x3xHxW image in [0,1] (ImageNet-normalised for midas_v2, midas_small
and Depth Anything, (x - 0.5) / 0.5 for the DPTs, as their code feeds them), written to the work dir as input.npy
(2-D float32, (3*H, W)) so the C++ side runs the very same pixels;
the last output goes to output.npy (H, W). One warm-up run, then `repeats` (>= 0) timed runs under torch.no_grad()
(as test_simple.py and run.py do). Prints one JSON line: {"seconds": [...], "cpu_seconds": [...], "threads": T}.
"""
import argparse
import importlib.util
import json
import os
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_DIR = os.path.join(HERE, "..", "tests", "fixtures", "depth")


def load_reference(name="make_native_fixtures"):
    spec = importlib.util.spec_from_file_location(name, os.path.join(FIXTURE_DIR, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def size(text):
    height, width = text.lower().split("x")
    return int(height), int(width)


def load_network(reference, name, weights):
    """A callable image -> 1x1xHxW map, with the reference modules and the published files' weights."""
    if name == "monodepth2":
        folder = os.path.join(weights, "monodepth2", "mono_640x192")
        encoder = reference.ResnetEncoder()
        decoder = reference.DepthDecoder(np.array([64, 64, 128, 256, 512]))
        state = torch.load(os.path.join(folder, "encoder.pth"))
        # test_simple.py: keep the entries the encoder knows (drops height, width, use_stereo).
        encoder.load_state_dict({k: v for k, v in state.items() if k in encoder.state_dict()})
        decoder.load_state_dict(torch.load(os.path.join(folder, "depth.pth")))
        encoder.eval()
        decoder.eval()
        return lambda x: decoder(encoder(x))[("disp", 0)]
    if name.startswith("depth_anything_"):
        variant = name[len("depth_anything_"):]
        model = load_reference("make_depth_anything_fixtures").DepthAnythingV2(variant)
        model.load_state_dict(torch.load(os.path.normpath(os.path.join(
            weights, os.pardir, "depth_anything", "depth_anything_v2_%s.pth" % variant))))
        return model.eval()
    if name == "dpt_large":
        model = load_reference("make_dpt_fixtures").DPTDepthModel()
        model.load_state_dict(torch.load(os.path.normpath(os.path.join(
            weights, os.pardir, "dpt", "weights", "midas", "dpt_large_384.pt"))))
        return model.eval()  # 1xHxW (DPTDepthModel squeezes the channel): output.npy is (H, W) either way
    if name == "dpt_hybrid":
        model = load_reference("make_dpt_hybrid_fixtures").DPTHybridDepthModel()
        model.load_state_dict(torch.load(os.path.normpath(os.path.join(
            weights, os.pardir, "dpt_hybrid", "weights", "midas", "dpt_hybrid_384.pt"))))
        return model.eval()
    if name == "dpt_beit_large":
        model = load_reference("make_dpt_beit_fixtures").beit_model()
        model.load_state_dict(torch.load(os.path.normpath(os.path.join(
            weights, os.pardir, "dpt_beit", "weights", "midas", "dpt_beit_large_512.pt"))))
        return model.eval()
    if name == "midas_small":
        model = load_reference("make_midas_small_fixtures").MidasNet_small()
        model.load_state_dict(torch.load(os.path.normpath(os.path.join(
            weights, os.pardir, "midas_small", "weights", "midas", "midas_v21_small_256.pt"))))
        return model.eval()
    version, file = {"midas_v1": ("v1", "model.pt"), "midas_v2": ("v2", "midas_v21-f6b98070.pt")}[name]
    model = reference.MidasFusionNet(version)
    model.load_state_dict(torch.load(os.path.join(weights, "midas", file)))
    model.eval()
    return model


MODELS = ("monodepth2", "midas_v1", "midas_v2", "midas_small", "dpt_large", "dpt_hybrid", "dpt_beit_large",
          "depth_anything_vits", "depth_anything_vitb", "depth_anything_vitl")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--model", choices=MODELS, required=True)
    parser.add_argument("--size", type=size, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.work_dir, exist_ok=True)

    reference = load_reference()
    network = load_network(reference, args.model, os.path.join(args.weights_dir, "weights"))
    image = reference.test_image(args.size[0], args.size[1], seed=5)
    if args.model in ("midas_v2", "midas_small") or args.model.startswith("depth_anything_"):
        image = (image - reference.IMAGENET_MEAN) / reference.IMAGENET_STD
    if args.model in ("dpt_large", "dpt_hybrid", "dpt_beit_large"):
        dpt = load_reference("make_dpt_fixtures")
        image = (image - dpt.DPT_MEAN) / dpt.DPT_STD  # the DPT presets' mean = std = 0.5
    np.save(os.path.join(args.work_dir, "input.npy"), np.ascontiguousarray(image.numpy().reshape(-1, args.size[1])))

    seconds, cpu_seconds = [], []
    with torch.no_grad():
        output = network(image)  # warm-up
        for _ in range(args.repeats):
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            output = network(image)
            cpu_seconds.append(time.process_time() - cpu_start)
            seconds.append(time.perf_counter() - wall_start)
    np.save(os.path.join(args.work_dir, "output.npy"), np.ascontiguousarray(output.numpy().reshape(args.size)))
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
