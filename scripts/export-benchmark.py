#!/usr/bin/env python3
"""The national settlement as JSON, CSV and Excel, timed in turn (docs/benchmarks.md).

Each round runs every format once, in a shuffled order and each after `sync`, so that neither
this noisy machine's drift nor the previous command's file still being flushed to disk falls
on one format more than another (hyperfine runs one command's rounds, then the next's, and
a format that always follows the 280 MB JSON pays for its flushing). Whole commands: import,
settlement and the file.

    .build/release/outcomes demo-data --seed 1 --households 100000 --out /tmp/outcomes-national
    scripts/export-benchmark.py 20
"""
import os, random, statistics, subprocess, sys, time

outcomes = ".build/release/outcomes"
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
settle = [outcomes, "settle", "--data", "/tmp/outcomes-national", "--as-of", "2028-12-31"]
formats = {
    "json": (settle + ["--format", "json"], "/tmp/o.json"),
    "csv": (settle + ["--format", "csv"], "/tmp/o.csv"),
    "xlsx": (settle + ["--format", "xlsx"], "/tmp/o.xlsx"),
    "xlsx --out": (settle + ["--format", "xlsx", "--out", "/tmp/o-out.xlsx"], None),
}
times = {name: [] for name in formats}
random.seed(1)
for _ in range(rounds):
    for name in random.sample(list(formats), len(formats)):
        command, stdout = formats[name]
        os.sync()
        start = time.perf_counter()
        with open(stdout or "/dev/null", "wb") as out:
            subprocess.run(command, stdout=out, stderr=subprocess.DEVNULL, check=True)
        times[name].append(time.perf_counter() - start)
for name, values in times.items():
    print(f"{name:11} mean {statistics.mean(values):.2f} s  median {statistics.median(values):.2f} s  "
          f"sd {statistics.stdev(values):.2f}  min {min(values):.2f}  max {max(values):.2f}  n {len(values)}")
