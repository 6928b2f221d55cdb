#!/usr/bin/env bash
# The national-scale benchmark of docs/benchmarks.md: builds release, writes a delivery of
# 100.000 households (~2,7 M rows) and times import, settlement and the JSON written to a
# file, RUNS times (default 5), with the whole `outcomes settle` command timed by /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
DATA=${DATA:-/tmp/outcomes-national}
swift build -c release >/dev/null
if [ ! -f "$DATA/households.csv" ]; then
  .build/release/outcomes demo-data --seed 1 --households 100000 --out "$DATA"
fi
echo "delivery: $(du -sh "$DATA" | cut -f1), $(cat "$DATA"/*.csv | wc -l) lines"
for i in $(seq "$RUNS"); do
  .build/release/outcomes-benchmark "$DATA" 2028-12-31 /tmp/outcomes-benchmark.json | tr '\n' ' ' | sed 's/  */ /g'
  echo
done
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "outcomes settle --format json > file: %e s wall, %M KB peak" \
    .build/release/outcomes settle --data "$DATA" --as-of 2028-12-31 > /tmp/outcomes-settle.json
done
for i in $(seq "$RUNS"); do
  .build/release/outcomes-benchmark forecast 100000
done
for i in $(seq "$RUNS"); do
  .build/release/outcomes-benchmark forecast-conditioned 100000 2025-12-31
done
