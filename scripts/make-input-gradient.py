#!/usr/bin/env python3
"""Writes src/main/resources/io/jgan/engine/input_gradient.pt, the TorchScript function behind
io.jgan.engine.InputGradient (WGAN-GP's gradient penalty).

Why a TorchScript file: the penalty needs d D(x) / d x as a tensor that is itself differentiable
with respect to D's weights: torch.autograd.grad(..., create_graph=True). DJL 0.35.1 exposes only
Tensor.backward, which stores that gradient in .grad of every leaf: D's weights then hold a
gradient whose graph reaches back to themselves (libtorch's documented reference cycle), each step's
graph hangs on to the last, and resident memory grew by about 3.5 MB per step. autograd.grad
returns the gradient instead of storing it, so nothing outlives the step. DJL runs TorchScript
methods with autograd on (training mode), on the same tensors, so the graph stays connected.

The file holds only this compiled source (no weights). Regenerate it with Debian's PyTorch:
    /usr/bin/python3 scripts/make-input-gradient.py
"""
from pathlib import Path
from typing import List, Optional

import torch


class InputGradient(torch.nn.Module):
    def forward(self, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        # d sum(output) / d x, (N, ...) like x; the graph is kept (create_graph) so that a loss
        # made from it reaches the weights that produced output, and retained for that backward
        ones: List[Optional[torch.Tensor]] = [torch.ones_like(output)]
        grads = torch.autograd.grad([output], [x], grad_outputs=ones, retain_graph=True, create_graph=True)
        g = grads[0]
        assert g is not None
        return g


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "src/main/resources/io/jgan/engine/input_gradient.pt"
    torch.jit.script(InputGradient()).save(str(out))
    # self-check: the gradient of sum(x^3) is 3 x^2, and its own gradient reaches x
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    loaded = torch.jit.load(str(out))
    g = loaded(x ** 3, x)
    assert torch.allclose(g, 3 * x.detach() ** 2)
    (gx,) = torch.autograd.grad(g.sum(), x)
    assert torch.allclose(gx, 6 * x.detach())
    print("wrote", out, out.stat().st_size, "bytes; torch", torch.__version__)
