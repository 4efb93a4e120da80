#!/usr/bin/env python3
"""The two PyTorch peers of scripts/bench-vs-pytorch.sh, timed on a CUDA GPU.

The peers (the MLP GAN of "GANs from Scratch 1" by Diego Gomez Mosquera, and jgan's DCGAN written
with nn.ConvTranspose2d) are CPU scripts; this imports their modules and runs the same iteration
on a GPU, as `jgan bench --device cuda` runs jgan's: the batch and the noise on the device, both
networks' Adam steps, and each iteration's losses read back to the host (as the peers and jgan do
for their logs; that read is also what waits for the GPU). Prints median ms/iteration after a
warm-up for each setting: float32 with torch.optim.Adam's default (foreach on CUDA), with
fused=True, and under CUDA autocast to bfloat16.

  python3 scripts/pytorch-gpu-peers.py --peers DIR [--iterations 1000]
  DIR holds seed_gan.py and dcgan_jgan.py (the paths scripts/bench-vs-pytorch.sh takes as
  SEED_GAN= and DCGAN_PEER=).
"""
import argparse
import os
import statistics
import sys
import time

import torch

import peer_steps


def mlp_step(dev, bs):
    """The tutorial's iteration (seed_gan.py): D on real then on G(z).detach(), G on fresh noise."""
    G, D = PEER_MLP.GeneratorNet(100).to(dev), PEER_MLP.DiscriminatorNet().to(dev)
    crit = torch.nn.BCELoss()
    ones, zeros = torch.ones(bs, 1, device=dev), torch.zeros(bs, 1, device=dev)

    def make(opt_kw):
        d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, **opt_kw)
        g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, **opt_kw)

        def step(real):
            fake = G(torch.randn(bs, 100, device=dev)).detach()
            d_opt.zero_grad()
            pred_real = D(real)
            err_real = crit(pred_real, ones)
            err_real.backward()
            pred_fake = D(fake)
            err_fake = crit(pred_fake, zeros)
            err_fake.backward()
            d_opt.step()
            fake = G(torch.randn(bs, 100, device=dev))
            g_opt.zero_grad()
            g_err = crit(D(fake), ones)
            g_err.backward()
            g_opt.step()
            return ((err_real + err_fake).item(), g_err.item(), pred_real.mean().item(), pred_fake.mean().item())
        return step
    return make


def dcgan_step(dev, bs):
    """dcgan_jgan.py's iteration: D on real and on G(z) (no graph), then G through a frozen D."""
    G, D = PEER_DCGAN.Generator("transposed").to(dev), PEER_DCGAN.Discriminator().to(dev)
    G.apply(PEER_DCGAN.init_weights)
    D.apply(PEER_DCGAN.init_weights)

    def make(opt_kw):
        opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8, **opt_kw)
        opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8, **opt_kw)

        def step(real):
            loss_d, loss_g, real_logits, fake_logits = peer_steps.dcgan_iteration(
                G, D, opt_d, opt_g, PEER_DCGAN.Z_DIM, real)
            return (loss_d.item(), loss_g.item(), torch.sigmoid(real_logits).mean().item(),
                    torch.sigmoid(fake_logits).mean().item())
        return step
    return make


def time_it(step, data, bs, warmup, iterations, autocast):
    ms = []
    n = data.size(0)
    for k in range(warmup + iterations):
        i = (k * bs) % (n - bs + 1)
        real = data[i:i + bs]
        t0 = time.perf_counter()
        with torch.autocast(data.device.type, dtype=torch.bfloat16, enabled=autocast):
            step(real)
        if k >= warmup:
            ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms), statistics.quantiles(ms, n=10)


def main():
    global PEER_MLP, PEER_DCGAN
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--device", default="cuda", help="cuda (default); cpu only to try the script")
    ap.add_argument("--data-dir", default="core/src/main/resources/io/jgan/data/mnist10k")
    args = ap.parse_args()
    PEER_MLP = peer_steps.load_module(os.path.join(args.peers, "seed_gan.py"), "seed_gan")
    PEER_DCGAN = peer_steps.load_module(os.path.join(args.peers, "dcgan_jgan.py"), "dcgan_jgan")
    dev = torch.device(args.device)
    images = PEER_DCGAN.read_idx_images(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    data = torch.from_numpy(images.astype("float32")).div_(255.0).mul_(2.0).sub_(1.0).to(dev)  # (N,784) in [-1,1]
    print("torch %s, %s" % (torch.__version__, torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"))
    for name, maker, bs in (("MLP", mlp_step, 100), ("DCGAN", dcgan_step, 128)):
        torch.manual_seed(1)
        make = maker(dev, bs)
        for label, kw, ac in (("float32, Adam foreach (default)", {}, False),
                              ("float32, Adam fused", {"fused": True}, False),
                              ("autocast bf16, Adam fused", {"fused": True}, True)):
            if ac and name == "MLP":
                continue  # the tutorial's Sigmoid + BCELoss: CUDA autocast refuses it as unsafe
            if kw and dev.type != "cuda":
                continue  # fused Adam is CUDA's
            med, q = time_it(make(kw), data, bs, args.warmup, args.iterations, ac)
            print("%-6s %-34s median %.2f ms/iteration (p10 %.2f, p90 %.2f)" % (name, label, med, q[0], q[-1]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
