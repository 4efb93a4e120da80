#!/usr/bin/env python3
"""Time to quality for the PyTorch twin of `jgan bench --model dcgan`: seconds of training until
jgan eval's FCD falls below a target, measured the way `jgan bench --to-fcd` measures it.

The model, its initialisation and its training step are those of the DCGAN peer script
(dcgan_jgan.py: jgan's 28x28 DCGAN written with nn.ConvTranspose2d, batch 128, Adam 2e-4,
betas (0.5, 0.999), D frozen in the G step); this script imports them from that file and adds
what the peer lacks: every --eval-every iterations it draws --eval-samples images from one fixed
noise seed with G in eval mode (batch-norm running statistics, as jgan samples), rounds them to
bytes as a saved image would be, and writes them as an IDX file. Training seconds are the sum of
the iterations' own times (perf_counter around each iteration), so drawing and writing samples
is not counted. After training, each snapshot is measured with `jgan eval --samples` (the same
classifier and FCD as `jgan bench --to-fcd`) and the first one below the target is reported.

  /usr/bin/python3 scripts/pytorch-time-to-fcd.py --peer PATH/dcgan_jgan.py \\
      --data-dir core/src/main/resources/io/jgan/data/mnist10k --target 100 --iterations 2000 --out DIR

Threads: --threads (default 1) with OMP_WAIT_POLICY=PASSIVE set by the caller if wanted;
--autocast for PyTorch's own bfloat16.
Prints one row per snapshot (step, training seconds, FCD) and a last JSON line.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import time

import numpy as np
import torch

import peer_steps


def load_peer(path):
    return peer_steps.load_module(path, "dcgan_peer")


def write_idx(path, images):  # images: uint8 (n, 784)
    n = images.shape[0]
    with open(path, "wb") as f:
        f.write(struct.pack(">IIII", 2051, n, 28, 28))
        f.write(images.tobytes())


def fcd_of(jgan, idx):
    out = subprocess.run([jgan, "eval", "--samples", idx, "--json", "-"], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("jgan eval failed on %s: %s" % (idx, out.stderr.strip()[-500:]))
    m = re.search(r'"fcd"\s*:\s*([0-9.eE+-]+)', out.stdout)
    if not m:
        raise RuntimeError("no fcd in jgan eval's JSON for %s" % idx)
    return float(m.group(1))


def main(argv=None):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peer", required=True, help="the DCGAN peer script, dcgan_jgan.py")
    ap.add_argument("--data-dir", default=os.path.join(here, "core/src/main/resources/io/jgan/data/mnist10k"))
    ap.add_argument("--jgan", default=os.path.join(here, "jgan"), help="the jgan launcher, for jgan eval")
    ap.add_argument("--target", type=float, default=100.0, help="FCD to reach (default 100)")
    ap.add_argument("--iterations", type=int, default=2000, help="iterations to train (default 2000)")
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--eval-samples", type=int, default=2000)
    ap.add_argument("--noise-seed", type=int, default=12345)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="folder for the IDX snapshots")
    ap.add_argument("--autocast", action="store_true",
                    help="CPU autocast to bfloat16 around each iteration, as the peer's --autocast (float32 master weights)")
    args = ap.parse_args(argv)

    peer = load_peer(args.peer)
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    bs = 128
    images = peer.read_idx_images(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    data = torch.from_numpy(images.astype(np.float32)).div_(255.0).mul_(2.0).sub_(1.0)  # (N,784) in [-1,1]
    count = data.size(0)
    batches = (count + bs - 1) // bs

    G, D = peer.Generator("transposed"), peer.Discriminator()
    G.apply(peer.init_weights)
    D.apply(peer.init_weights)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    z_fixed = torch.randn(args.eval_samples, peer.Z_DIM, generator=torch.Generator().manual_seed(args.noise_seed))

    def iteration(real):  # the peer's step, under autocast if asked (as the peer's --autocast)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.autocast):
            return iteration_(real)

    def iteration_(real):  # the peer's step, unchanged
        loss_d, loss_g, _, _ = peer_steps.dcgan_iteration(G, D, opt_d, opt_g, peer.Z_DIM, real)
        return loss_d.item(), loss_g.item()

    snapshots = []  # (step, training seconds, file)
    training_s = 0.0
    step = 0
    epoch = 0
    G.train()
    D.train()
    while step < args.iterations:
        epoch += 1
        order = torch.randperm(count, generator=torch.Generator().manual_seed(args.seed * 1000 + epoch))
        shuffled = data.index_select(0, order)
        for i in range(batches):
            if step >= args.iterations:
                break
            t0 = time.perf_counter()
            torch.manual_seed(args.seed * 1000003 + step + 1)
            iteration(shuffled[i * bs:min((i + 1) * bs, count)])
            training_s += time.perf_counter() - t0
            step += 1
            if step % args.eval_every == 0:
                G.eval()
                with torch.no_grad():
                    x = G(z_fixed)  # (n, 784) in [-1, 1]
                G.train()
                b = torch.clamp(torch.floor((x.double() + 1.0) / 2.0 * 255.0 + 0.5), 0, 255).to(torch.uint8).numpy()
                path = os.path.join(args.out, "step-%06d.idx" % step)
                write_idx(path, b)
                snapshots.append((step, training_s, path))
                print("trained %d iterations, %.1f s" % (step, training_s), file=sys.stderr, flush=True)

    rows = []
    reached = None
    for step_i, secs, path in snapshots:
        fcd = fcd_of(args.jgan, path)
        rows.append({"step": step_i, "training_s": round(secs, 2), "fcd": round(fcd, 2)})
        print("%d\t%.2f\t%.2f" % (step_i, secs, fcd), flush=True)
        if reached is None and fcd < args.target:
            reached = rows[-1]
    print(json.dumps({"target": args.target, "reached": reached, "points": rows, "threads": args.threads, "autocast": args.autocast,
                      "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""), "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
