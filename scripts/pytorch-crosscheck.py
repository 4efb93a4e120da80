#!/usr/bin/python3
"""Cross-checks jgan's generators against PyTorch itself (Debian: apt-get install python3-torch).

  make OUTDIR          builds each tutorial's generator with a fixed seed and writes, per model,
                       NAME.safetensors (its state_dict) and NAME-reference.safetensors (z, labels,
                       x = G(z) in eval mode). jgan's tests import these and must give the same x
                       within 1e-5 (src/test/resources/io/jgan/sample/pytorch/).
  check WEIGHTS REF    loads a file written by `jgan export` into the tutorial's module and runs it
                       on the z of a file written by `jgan export --reference`; prints the largest
                       difference from jgan's x and exits 1 if it is above 1e-5.

The modules are written out as the tutorials write them:
  mlp     GeneratorNet, 'GANs from Scratch 1: A deep introduction' (Diego Gomez Mosquera)
  mlp-bn  Generator of DeepLearning.AI's GAN course, week 1 (Linear-BatchNorm1d-ReLU blocks)
  dcgan   Generator in the layout of pytorch/examples' dcgan/main.py, at jgan's widths (64-32)
The safetensors format is written and read with numpy, so the `safetensors` package is not needed.
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64}


# ----------------------------------------------------------------------------- safetensors
def save_file(path, tensors, metadata=None, dtype="F32"):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        a = t.detach().cpu().numpy()
        if a.dtype == np.int64:
            code, raw = "I64", a.astype("<i8").tobytes()
        elif dtype == "BF16":
            bits = a.astype("<f4").view("<u4") >> 16  # the caller rounded the values to bfloat16 already
            code, raw = "BF16", bits.astype("<u2").tobytes()
        else:
            code, raw = dtype, a.astype({"F32": "<f4", "F16": "<f2"}[dtype]).tobytes()
        header[name] = {"dtype": code, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        if e["dtype"] == "BF16":
            a = (np.frombuffer(data[b:end], "<u2").astype("<u4") << 16).view("<f4")
        else:
            a = np.frombuffer(data[b:end], DTYPES[e["dtype"]])
        out[name] = torch.from_numpy(a.copy().reshape(e["shape"]))
    return out, meta


# ----------------------------------------------------------------------------- the tutorials' modules
class GeneratorNet(nn.Module):
    """'GANs from Scratch 1': three hidden layers with LeakyReLU(0.2), Tanh out."""

    def __init__(self, n_features=100, n_out=784):
        super().__init__()
        self.hidden0 = nn.Sequential(nn.Linear(n_features, 256), nn.LeakyReLU(0.2))
        self.hidden1 = nn.Sequential(nn.Linear(256, 512), nn.LeakyReLU(0.2))
        self.hidden2 = nn.Sequential(nn.Linear(512, 1024), nn.LeakyReLU(0.2))
        self.out = nn.Sequential(nn.Linear(1024, n_out), nn.Tanh())

    def forward(self, x):
        return self.out(self.hidden2(self.hidden1(self.hidden0(x))))


def get_generator_block(input_dim, output_dim):
    return nn.Sequential(nn.Linear(input_dim, output_dim), nn.BatchNorm1d(output_dim), nn.ReLU(inplace=True))


class Generator(nn.Module):
    """The GAN course's generator (week 1)."""

    def __init__(self, z_dim=10, im_dim=784, hidden_dim=128):
        super().__init__()
        self.gen = nn.Sequential(
            get_generator_block(z_dim, hidden_dim),
            get_generator_block(hidden_dim, hidden_dim * 2),
            get_generator_block(hidden_dim * 2, hidden_dim * 4),
            get_generator_block(hidden_dim * 4, hidden_dim * 8),
            nn.Linear(hidden_dim * 8, im_dim),
            nn.Sigmoid(),
        )

    def forward(self, noise):
        return self.gen(noise)


class DcganGenerator(nn.Module):
    """pytorch/examples' dcgan Generator layout: ConvTranspose2d, BatchNorm2d, ReLU triples, Tanh."""

    def __init__(self, nz=100, nc=1, side=28, ngf=32):
        super().__init__()
        ups = {28: 2, 32: 3, 64: 4}[side]
        width = ngf << (ups - 1)
        start = 7 if side == 28 else 4
        layers = [nn.ConvTranspose2d(nz, width, start, 1, 0, bias=False), nn.BatchNorm2d(width), nn.ReLU(True)]
        for _ in range(1, ups):
            layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width // 2), nn.ReLU(True)]
            width //= 2
        layers += [nn.ConvTranspose2d(width, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, z):
        return self.main(z.view(z.shape[0], -1, 1, 1))


def build(meta):
    family, latent, classes = meta["family"], int(meta["latent_dim"]), int(meta["classes"])
    channels, height, width = int(meta["channels"]), int(meta["height"]), int(meta["width"])
    if family == "mlp":
        return GeneratorNet(latent + classes, channels * height * width)
    if family == "mlp-bn":
        return Generator(latent + classes, channels * height * width)
    return DcganGenerator(latent + classes, channels, height)


def with_labels(z, labels, classes):
    if classes == 0:
        return z
    return torch.cat([z, nn.functional.one_hot(labels.long(), classes).float()], 1)


# ----------------------------------------------------------------------------- make
def make(outdir):
    cases = [
        # name, module, latent, dtype stored (F16/BF16 halve the test resources; values are rounded first)
        ("mlp", lambda: GeneratorNet(100, 784), 100, "F16"),
        ("mlp-bn", lambda: Generator(10, 49), 10, "BF16"),  # the course's module at 7x7, to keep the file small
        ("dcgan", lambda: DcganGenerator(100, 1, 28), 100, "F32"),
    ]
    for name, ctor, latent, dtype in cases:
        torch.manual_seed(0)
        g = ctor()
        with torch.no_grad():
            for m in g.modules():
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                    m.weight.normal_(1.0, 0.2)
                    m.bias.normal_(0.0, 0.2)
                if isinstance(m, (nn.ConvTranspose2d,)):
                    m.weight.normal_(0.0, 0.05)
            g.train()
            for _ in range(3):  # running statistics away from (0, 1), so the test covers them
                g(torch.randn(64, latent) * 1.5 + 0.3)
            g.eval()
            for p in g.state_dict().values():  # the stored dtype's values, exactly
                if p.dtype == torch.float32:
                    if dtype == "F16":
                        p.copy_(p.half().float())
                    elif dtype == "BF16":
                        p.copy_(p.bfloat16().float())
            z = torch.randn(8, latent, generator=torch.Generator().manual_seed(1))
            x = g(z).reshape(8, -1)
        save_file("%s/%s.safetensors" % (outdir, name), g.state_dict(), dtype=dtype)
        save_file("%s/%s-reference.safetensors" % (outdir, name),
                  {"z": z, "labels": torch.zeros(8), "x": x}, {"torch": torch.__version__})
        print("%s: %d tensors (%s), G(z) for %d vectors, x in [%.3f, %.3f]"
              % (name, len(g.state_dict()), dtype, len(z), x.min(), x.max()))


# ----------------------------------------------------------------------------- check
def check(weights, reference):
    tensors, meta = load_file(weights)
    ref, ref_meta = load_file(reference)
    g = build(meta)
    prefix = "ema." if ref_meta.get("weights") == "ema" else ""
    state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix) and (prefix or not k.startswith("ema."))}
    g.load_state_dict(state)  # strict: every name and shape must match the module
    g.eval()
    with torch.no_grad():
        x = g(with_labels(ref["z"], ref["labels"], int(meta["classes"]))).reshape(len(ref["z"]), -1)
    diff = (x - ref["x"]).abs().max().item()
    print("%s (%s, %s weights): PyTorch %s G(z) vs jgan's for %d vectors: max |difference| %.3g"
          % (weights, meta["family"], "averaged" if prefix else "live", torch.__version__, len(x), diff))
    return 0 if diff <= 1e-5 else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
