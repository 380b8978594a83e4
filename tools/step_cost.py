#!/usr/bin/env python3
"""What one step of a long scenario costs, at step 100 and at step 2,000 (or the steps given).

Usage: tools/step_cost.py [--bin target/debug/convsms] [--runs 3] [--at 100 2000] [--width 200]

For each step count K of --at, it writes a scenario whose requester texts K times into a live
conversation (one `When` per text), runs `convsms check` on it with scenarios of K - width/2 and
K + width/2 texts, keeps the fastest of --runs runs of each, and prints the difference divided by
width: the marginal cost of one step around step K, in ms. Process start, world setup and the
first steps are the same in both runs and cancel out. It measures; it asserts nothing.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HEAD = """Feature: A long conversation
  Scenario: The requester texts {n} times into a live conversation
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice" who is available for SMS
    And the virtual agent is off
    When "+14155552671" texts "Hello" to "+14155550100"
    And agent "alice" accepts the offered work item
"""


def scenario(texts):
    body = "".join(
        f'    When "+14155552671" texts "Message {i}" to "+14155550100"\n' for i in range(texts)
    )
    return HEAD.format(n=texts) + body + f"    Then the transcript of IMS0001001 has {texts + 5} messages\n"


def run(binary, texts, runs, folder):
    path = os.path.join(folder, f"long_{texts}.feature")
    with open(path, "w") as f:
        f.write(scenario(texts))
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [binary, "check", path], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CI": ""}
        )
        took = time.perf_counter() - start
        if out.returncode != 0:
            sys.exit(f"convsms check failed on {texts} texts:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
        best = took if best is None else min(best, took)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "convsms"))
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--at", type=int, nargs="+", default=[100, 2000])
    p.add_argument("--width", type=int, default=200)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for k in a.at:
            lo, hi = max(1, k - a.width // 2), k + a.width // 2
            t_lo, t_hi = run(a.bin, lo, a.runs, folder), run(a.bin, hi, a.runs, folder)
            per_step = (t_hi - t_lo) / (hi - lo) * 1e3
            print(f"step {k}: {per_step:.2f} ms/step  ({lo} texts {t_lo:.2f} s, {hi} texts {t_hi:.2f} s)")


if __name__ == "__main__":
    main()
