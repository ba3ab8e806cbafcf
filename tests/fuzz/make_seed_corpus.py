#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/README.md) into tests/fuzz/corpus/<target>/.

Small, valid (or nearly valid) inputs of every format a target reads, so that fuzzing starts from deep inside each
reader instead of from its magic bytes. Needs Debian's python3-torch and numpy (PNG and JPEG are written here byte
by byte). Run from anywhere: /usr/bin/python3 tests/fuzz/make_seed_corpus.py
The output is deterministic, so the committed corpus is what this script writes, except pickle/legacy_checkpoint.pth
(and its copy checkpoint/legacy_checkpoint.pth): the legacy torch.save format names its storages by Python object
ids, which change from run to run.
"""
import collections
import io
import pathlib
import pickle
import struct
import zipfile
import zlib

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"
REPO = pathlib.Path(__file__).resolve().parents[2]


def put(target, name, data):
    folder = ROOT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def torch_bytes(obj, zip_format):
    buffer = io.BytesIO()
    torch.save(obj, buffer, _use_new_zipfile_serialization=zip_format)
    return buffer.getvalue()


def fixed_zip(entries, method):
    # zipfile stamps the current time into each entry: a fixed date keeps the corpus reproducible.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


def npy_bytes(array, **kwargs):
    buffer = io.BytesIO()
    np.save(buffer, array, **kwargs)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, bit_depth, colour_type, channels, values):
    sample = bit_depth // 8
    rows = b""
    for y in range(height):
        row = b"\x00"
        for x in range(width * channels):
            value = values(x, y)
            row += value.to_bytes(sample, "big")
        rows += row
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(rows)) +
            png_chunk(b"IEND", b""))


def exif_app1(orientation):
    # TIFF header (little-endian), IFD0 with one entry: 0x0112 SHORT 1 = orientation.
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_8x8_gray(orientation=None):
    # A baseline 8x8 grayscale JPEG, every coefficient zero (mid grey), with one quantisation and two Huffman tables
    # that code only the symbol 0.
    soi, eoi = b"\xff\xd8", b"\xff\xd9"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes([1] * 64)
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00"
    counts = bytes([1] + [0] * 15)
    dht_dc = b"\xff\xc4" + struct.pack(">H", 2 + 1 + 16 + 1) + b"\x00" + counts + b"\x00"
    dht_ac = b"\xff\xc4" + struct.pack(">H", 2 + 1 + 16 + 1) + b"\x10" + counts + b"\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + b"\x00\x3f\x00"
    scan = b"\x00\x00"  # DC 0 (code '0'), EOB (code '0'), padded with zeros
    app1 = exif_app1(orientation) if orientation else b""
    return soi + app1 + dqt + sof + dht_dc + dht_ac + sos + scan + eoi


def pfm(width, height, scale, values):
    data = b"".join(struct.pack("<f" if scale < 0 else ">f", values(x, y)) for y in range(height) for x in range(width))
    return f"Pf\n{width} {height}\n{scale}\n".encode() + data


def pickles():
    for protocol in (2, 3, 4, 5):
        put("pickle", f"containers_p{protocol}.pkl",
            pickle.dumps({"a": [1, 2.5, None, True], "b": ("x", b"y", -(2 ** 70)), "c": {1, 2}}, protocol=protocol))
    put("pickle", "ordered_dict.pkl", pickle.dumps(collections.OrderedDict([("w", [1.0]), ("n", 3)]), protocol=2))
    put("pickle", "shared_memo.pkl", pickle.dumps([[1, 2]] * 3 + [{"k": "v"}], protocol=4))
    put("pickle", "legacy_checkpoint.pth", torch_bytes({"weight": torch.arange(4.0).reshape(2, 2), "step": 7}, False))


def archives():
    put("zip", "stored.zip", fixed_zip([("a.txt", b"hello"), ("dir/b.bin", bytes(range(40)))], zipfile.ZIP_STORED))
    put("zip", "deflated.zip", fixed_zip([("a.npy", npy_bytes(np.zeros((3, 2), np.float32)))], zipfile.ZIP_DEFLATED))
    put("zip", "checkpoint.pth", torch_bytes({"w": torch.ones(2)}, True))
    state = collections.OrderedDict([("conv.weight", torch.arange(8.0).reshape(2, 1, 2, 2)), ("conv.bias", torch.zeros(2))])
    put("checkpoint", "state_dict.pth", torch_bytes(state, True))
    put("checkpoint", "nested.pth", torch_bytes({"model": state, "height": 192, "use_stereo": False}, True))
    base = torch.arange(6, dtype=torch.float16)
    views = {"a": base[1:5], "b": base.view(2, 3).t(), "i": torch.tensor([1, 2])}
    put("checkpoint", "views.pth", torch_bytes(views, True))
    # The target's composed form (checkpoint_fuzz.cc): 'Z', data.pkl, then each storage, split at its separator.
    for name, obj in (("composed_views", views), ("composed_nested", {"model": state, "height": 192})):
        with zipfile.ZipFile(io.BytesIO(torch_bytes(obj, True))) as archive:
            parts = {pathlib.PurePath(n).relative_to(pathlib.PurePath(n).parts[0]).as_posix(): archive.read(n)
                     for n in archive.namelist()}
        storages = sorted((int(n.split("/")[1]), data) for n, data in parts.items() if n.startswith("data/"))
        assert [key for key, _ in storages] == list(range(len(storages)))
        put("checkpoint", name, b"\xff\xfePART".join([b"Z" + parts["data.pkl"]] + [data for _, data in storages]))
    put("checkpoint", "legacy_checkpoint.pth", (ROOT / "pickle" / "legacy_checkpoint.pth").read_bytes())


def numpy_maps():
    map23 = np.arange(6).reshape(2, 3)
    put("npy", "f4.npy", npy_bytes(map23.astype("<f4")))
    put("npy", "f8_big.npy", npy_bytes(map23.astype(">f8")))
    put("npy", "u2_fortran.npy", npy_bytes(np.asfortranarray(map23.astype("<u2"))))
    put("npy", "bool_1hw.npy", npy_bytes(map23.reshape(1, 2, 3) > 2))
    put("npy", "i1_hw1.npy", npy_bytes(map23.reshape(2, 3, 1).astype("i1")))
    version3 = npy_bytes(map23.astype("<f2")).replace(b"\x93NUMPY\x01\x00", b"\x93NUMPY\x03\x00", 1)
    put("npy", "f2_v3_header.npy", version3[:8] + struct.pack("<I", struct.unpack("<H", version3[8:10])[0]) +
        version3[10:])


def depth_maps():
    # The first byte chooses the reader's extension: 0 .pfm, 1 .png, 2 .npy, 3 .npz (depth_map_fuzz.cc).
    put("depth_map", "little.pfm", b"\x00" + pfm(3, 2, -1.0, lambda x, y: x + 10 * y))
    put("depth_map", "big.pfm", b"\x00" + pfm(2, 2, 2.0, lambda x, y: float("inf") if x == y else 0.5))
    put("depth_map", "png16.png", b"\x01" + png(3, 2, 16, 0, 1, lambda x, y: 1000 * x + 256 * y))
    put("depth_map", "png8.png", b"\x01" + png(2, 2, 8, 0, 1, lambda x, y: 40 * x + y))
    put("depth_map", "map.npy", b"\x02" + npy_bytes(np.eye(3, dtype="<f4")))
    put("depth_map", "stored.npz", b"\x03" + fixed_zip([("arr_0.npy", npy_bytes(np.ones((2, 2), "<f4")))],
                                                       zipfile.ZIP_STORED))
    put("depth_map", "deflated.npz", b"\x03" + fixed_zip([("arr_0.npy", npy_bytes(np.ones((2, 3), "<i2")))],
                                                         zipfile.ZIP_DEFLATED))


def images():
    put("image", "rgb8.png", png(3, 2, 8, 2, 3, lambda x, y: (37 * x + 11 * y) % 256))
    put("image", "gray16.png", png(2, 2, 16, 0, 1, lambda x, y: 20000 * x + 7 * y))
    put("image", "rgba8.png", png(2, 2, 8, 6, 4, lambda x, y: (90 * x + y) % 256))
    put("image", "gray_alpha8.png", png(2, 1, 8, 4, 2, lambda x, y: 200 - 50 * x))
    put("image", "gray.jpg", jpeg_8x8_gray())
    put("image", "exif_rotated.jpg", jpeg_8x8_gray(orientation=6))
    put("image", "exif_mirrored.jpg", jpeg_8x8_gray(orientation=4))
    put("image", "float.pfm", pfm(2, 2, -1.0, lambda x, y: 0.25 * (x + y)))


def texts():
    put("diw_csv", "two_entries.csv", "./DIW_test/a.thumb\n118,70,257,291,>,500,333\n./DIW_test/b.thumb\n"
                                       "1,1,333,500,<,500,333\n")
    put("diw_csv", "bom_crlf_repeated.csv", "\ufeff./x.jpg\r\n 2, 3 ,4,5,<,10,10\r\n./x.jpg\r\n10,10,1,1,>,10,10\r\n\r\n")
    answers = (REPO / "tests/fixtures/stats/study_small/answers.csv").read_text()
    put("answers_csv", "study_small.csv", "\n".join(answers.splitlines()[:14]) + "\n")
    put("answers_csv", "quoted_reordered.csv",
        'time,respondent,trial,pair,left_method,right_method,chosen_method,response_ms\n'
        '2026-11-20T10:01:00Z,"r,1",t1,p1,adain,da-adain,da-adain,\n'
        '2026-11-20T10:02:00Z,"r,1","t""2",p1,da-adain,adain,adain,12\n')
    put("config", "study.yaml", (REPO / "configs/study.yaml").read_text())
    put("config", "flow_style_with_override.yaml",
        "name: s1\nstimuli: {grid_run: runs/x, beta: 20, eps: [1]}\npairs: {count: 3, seed: 5}\nweb: {max_side: 512}\n"
        "\0repeats.count=2")
    put("config", "anchors.yaml", "base: &b {count: 1}\nsentinels: *b\nrespondents: 1e1\npage: {title: !!str 12}\n")


def requests():
    put("http_request", "get.http", "GET /survey?x=1 HTTP/1.1\r\nHost: a\r\nCookie: ds_session=1\r\n\r\n")
    put("http_request", "post.http", "POST /answer HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded"
                                     "\r\nContent-Length: 9\r\n\r\nside=left")
    put("http_request", "chunked_head.http", "HEAD / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                              "3\r\nabc\r\n0\r\n\r\n")
    put("http_request", "http10_no_host.http", "GET /missing HTTP/1.0\r\n\r\n")
    # survey_app_fuzz.cc replaces @T, @C, @X, @A and @I by the study's secrets.
    cookie = "Host: s\r\nCookie: ds_session=@C\r\n"
    form = "Content-Type: application/x-www-form-urlencoded\r\n"
    put("survey_app", "invitation.http", "GET /i/@T HTTP/1.1\r\nHost: s\r\n\r\n")
    put("survey_app", "survey.http", f"GET /survey HTTP/1.1\r\n{cookie}\r\n")
    put("survey_app", "start.http", f"POST /start HTTP/1.1\r\n{cookie}{form}Content-Length: 37\r\n\r\ncsrf=@X")
    body = "csrf=@X&trial=1&side=left"
    put("survey_app", "answer.http", f"POST /answer HTTP/1.1\r\n{cookie}{form}Content-Length: {len(body) + 30}\r\n\r\n{body}")
    put("survey_app", "image.http", f"GET /image/@I HTTP/1.1\r\n{cookie}\r\n")
    put("survey_app", "status.http", "GET /status/@A HTTP/1.1\r\nHost: s\r\n\r\n")
    put("survey_app", "static_head.http", "HEAD /static/survey.css HTTP/1.1\r\nHost: s\r\n\r\n")


if __name__ == "__main__":
    pickles()
    archives()
    numpy_maps()
    depth_maps()
    images()
    texts()
    requests()
