"""The DCGAN peer's training iteration, for the scripts that run it outside the peer.

The peer (dcgan_jgan.py, jgan's DCGAN written in PyTorch with nn.ConvTranspose2d) times its own
iteration on the CPU; scripts/pytorch-time-to-fcd.py trains with it until an FCD target, and
scripts/pytorch-gpu-peers.py times it on a GPU. Both call this copy of the peer's step.
"""
import importlib.util

import torch
import torch.nn.functional as F


def load_module(path, name):
    """Imports a peer script by its path."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def dcgan_iteration(G, D, opt_d, opt_g, z_dim, real):
    """dcgan_jgan.py's iteration: D on real (n, 784) and on G(z) made without a graph, then G
    through D with D's weights frozen; the noise on real's device. Returns (loss_d, loss_g,
    real_logits, fake_logits) as tensors: each caller reads back what it logs."""
    bce = F.binary_cross_entropy_with_logits
    n = real.size(0)
    with torch.no_grad():
        fake = G(torch.randn(n, z_dim, device=real.device))  # (n,784), G(z).detach()
    real_logits = D(real)  # (n,1)
    fake_logits = D(fake)  # (n,1), a second pass: D has batch statistics
    loss_d = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    for p in D.parameters():  # G: maximise log D(G(z)), fresh noise, D frozen
        p.requires_grad_(False)
    logits = D(G(torch.randn(n, z_dim, device=real.device)))
    loss_g = bce(logits, torch.ones_like(logits))
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    for p in D.parameters():
        p.requires_grad_(True)
    return loss_d, loss_g, real_logits, fake_logits
