"""Fuzz campaign: N mutated input sets through the command line; counts per verdict.

    .venv/bin/python benchmarks/fuzz_campaign.py --inputs 2000 --seed 1 [--jobs 2]

Each input is a fresh copy of the two-corridor test network, a scenario using most of
the format and a sweep over it, with one mutation (see ``tests/fuzz/mutations.py``):
types, missing and unknown keys, extremes, unicode, references, nesting, YAML 1.1
spellings, aliases and alias bombs, long numbers, duplicate keys, truncation, special
files (FIFO, /dev/zero, /dev/urandom, directories, dangling links). It is run by
long-lived worker processes limited to 3 GiB of address space, 60 s per input
(``tests/fuzz/harness.py``), and judged: accepted, refused with a message naming the
file, or a failure — traceback, hang, memory, silent misread (an input that must be
refused was accepted), bad message, run failure. Failures are listed with the seed
that reproduces them (``--only SEED``). Exit status 1 when there is any failure.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fuzz"))
from harness import FAILURES, Worker, judge  # noqa: E402
from mutations import make_case  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per input")
    ap.add_argument("--only", type=int, help="run only the input with this seed")
    ap.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = ap.parse_args(argv)

    seeds = [args.only] if args.only is not None else \
        [args.seed * 1_000_003 + i for i in range(args.inputs)]
    counts: collections.Counter = collections.Counter()
    by_target: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failures: list[dict] = []
    lock = threading.Lock()
    queue = iter(seeds)
    scratch = Path(tempfile.mkdtemp(prefix="lb-fuzz-"))
    started = time.monotonic()

    def work(k: int) -> None:
        worker = Worker()
        try:
            while True:
                with lock:
                    seed = next(queue, None)
                if seed is None:
                    return
                root = scratch / f"w{k}" / str(seed)
                case = make_case(root, random.Random(seed))
                out = worker.run(case.args, root, timeout=args.timeout, confirm=False)
                if out.timed_out:  # a busy machine is not a hang: once more, from a
                    shutil.rmtree(root, ignore_errors=True)  # fresh copy, twice the time
                    case = make_case(root, random.Random(seed))
                    out = worker.run(case.args, root, timeout=2 * args.timeout,
                                     confirm=False)
                verdict = judge(case, out)
                with lock:
                    counts[verdict] += 1
                    by_target[case.target][verdict] += 1
                    if verdict in FAILURES:
                        failures.append({"seed": seed, "verdict": verdict,
                                         "case": case.label, "args": case.args,
                                         "stderr": out.stderr[-1500:]})
                    done = sum(counts.values())
                    if done % 100 == 0 and not args.json:
                        print(f"{done:5d} inputs, {dict(counts)}", file=sys.stderr,
                              flush=True)
                shutil.rmtree(root, ignore_errors=True)
        finally:
            worker.stop()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(args.jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.monotonic() - started
    summary = {"inputs": sum(counts.values()), "seconds": round(elapsed, 1),
               "verdicts": dict(sorted(counts.items())),
               "by_target": {t: dict(sorted(c.items())) for t, c in sorted(by_target.items())},
               "failures": {f: counts.get(f, 0) for f in FAILURES}}
    if args.json:
        print(json.dumps({**summary, "failed_inputs": failures}, indent=1))
    else:
        print(json.dumps(summary, indent=1))
        for f in failures[:50]:
            print(f"\n--- seed {f['seed']}: {f['verdict']}: {f['case']} "
                  f"(landbridge {' '.join(f['args'])})\n{f['stderr']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
