#!/usr/bin/env python3
"""The data-parallel scaling model of BENCHMARKS.md, from measured numbers.

A step on N nodes (one jgan process of 2 threads each) costs its compute plus its all-reduces,
counted as not overlapped (an upper bound: jgan starts each bucket during the backward pass):
  ring all-reduce of S MB in k collectives:  T(N) = 2 (N-1)/N * S * beta + k * 2 (N-1) * alpha
  strong scaling (global batch fixed):       step = C1 / N + T(N)
  weak scaling (batch per node fixed):       step = C1 + T(N)
beta (ms per MB) and alpha (ms per message) come from scripts/bench-allreduce.sh; C1 (ms per
step, one process) from jgan train; k = gradient buckets + 3 scalar exchanges per step.

usage: scripts/dp-scaling.py BETA_MS_PER_MB ALPHA_MS
"""
import sys

beta = float(sys.argv[1]) if len(sys.argv) > 1 else 0.9
alpha = float(sys.argv[2]) if len(sys.argv) > 2 else 0.25
models = {  # name: (C1 ms/step, gradient MB per step, all-reduces per step)
    "DCGAN (batch 128)": (83.0, 1.5, 3 + 3),
    "MLP (batch 100)": (44.0, 11.8, 9 + 3),
}
print(f"beta {beta} ms/MB, alpha {alpha} ms per message")
print("| model | N | all-reduce ms/step | strong: ms/step | strong: efficiency | weak: ms/step | weak: efficiency |")
print("|---|---|---|---|---|---|---|")
for name, (c1, mb, k) in models.items():
    for n in (1, 2, 4, 8, 16, 32, 64):
        t = 0.0 if n == 1 else 2 * (n - 1) / n * mb * beta + k * 2 * (n - 1) * alpha
        strong = c1 / n + t
        weak = c1 + t
        print(f"| {name} | {n} | {t:.1f} | {strong:.1f} | {c1 / n / strong:.0%} | {weak:.1f} | {c1 / weak:.0%} |")
