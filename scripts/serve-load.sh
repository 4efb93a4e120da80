#!/usr/bin/env bash
# jgan serve under load (BENCHMARKS.md): 8 clients x 1,250 requests = 10,000 requests of a
# 64-sample PNG on loopback; prints latency p50/p99, throughput and resident memory at 1,000,
# 5,000 and 10,000 requests, and fails if memory grew more than 10% after the first 1,000.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=ServeLoadTest -Djgan.serve.load="${PER_CLIENT:-1250}" -Dsurefire.failIfNoSpecifiedTests=false \
  | grep "serve load:"
