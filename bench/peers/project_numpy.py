#!/usr/bin/python3
"""project_numpy.py -- the reinforce30k projection in numpy, the peer of
bench_project's simulation loop (issue 4, point 7).

Written as a competent numpy user would: vectorised over paths, a Python
loop over days, one Generator.binomial call per cohort per day over all
paths.  The cohorts are those of model/project.c before its pooling: the
contingent (the last phase's hazard, "low", until the first wave's day, then
active2's) and three waves at active2's hazard.  Each day: arrivals first,
then Binomial(N_cohort, 1 - exp(-h)) casualties per cohort.  Killed are
thinned once per weekly output step, Binomial(step casualties, kappa); N, C
and K are recorded at the 53 output dates (every 7 days from 2025-07-01,
and 2026-07-01).

The per-path inputs (posterior draw -> N0, C0, K0, kappa, h_last,
h_active2) come from bench_project's CSV, so both loops use the same
posterior draws; the scenario and the daily counts come from numpy's own
generator.  Path i uses draw i * ndraws // paths, as in project.c.

Prints the day loop's path-days per second (median of 3) at 4,000 and
40,000 paths, writes them to --out as "paths rate pooled_rate" lines for
`bench_project --numpy FILE`, and checks the last date's values at 4,000
paths against ours (the CSV's N_end, C_end, K_end): paired bootstrap over
paths, agreement within 3 standard errors.

--pooled adds the variant with project.c's pooling (one binomial per day
over all cohorts: from the first wave's day on they share one hazard),
like-for-like with ours as shipped.

Usage: /usr/bin/python3 bench/peers/project_numpy.py DRAWS.csv [--out FILE]
       [--runs 3] [--pooled] [--seed N]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

# reinforce30k.ini over baseline.ini, as days after the start (2025-07-01).
HORIZON = 365
STEP = 7
TOTAL = (20000.0, 30000.0)
W1_DAYS = (14, 61)  # 2025-07-15 .. 2025-08-31
GAP = (30, 60)  # w2 after w1, w3 after w2
NWAVE = 3


def load_inputs(path):
    a = np.genfromtxt(path, delimiter=",", names=True)
    return {k: a[k] for k in a.dtype.names}


def scenario(rng, paths):
    """Wave days and sizes per path: total uniform, three equal shares with
    cumulative rounding (so they add up to the rounded total)."""
    total = rng.uniform(TOTAL[0], TOTAL[1], paths)
    edge = [np.floor(total * k / NWAVE + 0.5) for k in range(NWAVE + 1)]
    size = np.stack([edge[k + 1] - edge[k] for k in range(NWAVE)]).astype(np.int64)
    day = np.empty((NWAVE, paths), dtype=np.int64)
    day[0] = rng.integers(W1_DAYS[0], W1_DAYS[1], size=paths, endpoint=True)
    for w in range(1, NWAVE):
        day[w] = day[w - 1] + rng.integers(GAP[0], GAP[1], size=paths, endpoint=True)
    return day, size


def output_days():
    return list(range(0, HORIZON, STEP)) + [HORIZON]


def simulate(inp, paths, rng, pooled=False):
    """One projection; returns (seconds of the day loop, N, C, K at each
    output date as arrays dates x paths)."""
    ndraw = len(inp["N0"])
    d = (np.arange(paths, dtype=np.int64) * ndraw) // paths
    n0 = inp["N0"][d].astype(np.int64)
    c = inp["C0"][d].astype(np.int64)
    k = inp["K0"][d].astype(np.int64)
    kappa = inp["kappa"][d]
    q_last = -np.expm1(-inp["h_last"][d])
    q_act2 = -np.expm1(-inp["h_active2"][d])
    wday, wsize = scenario(rng, paths)
    first = wday[0]

    ncoh = 1 if pooled else NWAVE + 1
    n = np.zeros((ncoh, paths), dtype=np.int64)
    n[0] = n0
    step_cas = np.zeros(paths, dtype=np.int64)
    days = output_days()
    out = np.empty((3, len(days), paths), dtype=np.int64)
    j = 0

    t0 = time.perf_counter()
    for t in range(HORIZON + 1):
        if t == days[j]:
            k += rng.binomial(step_cas, kappa)
            step_cas[:] = 0
            out[0, j] = n.sum(axis=0)
            out[1, j] = c
            out[2, j] = k
            j += 1
        if t == HORIZON:
            break
        for w in range(NWAVE):
            n[0 if pooled else w + 1] += np.where(wday[w] == t, wsize[w], 0)
        q0 = np.where(t >= first, q_act2, q_last)
        x = rng.binomial(n[0], q0)
        n[0] -= x
        cas = x
        for w in range(1, ncoh):
            x = rng.binomial(n[w], q_act2)
            n[w] -= x
            cas = cas + x
        c += cas
        step_cas += cas
    seconds = time.perf_counter() - t0
    return seconds, out


def timed(inp, paths, runs, seed, pooled):
    secs = []
    last = None
    for r in range(runs):
        s, last = simulate(inp, paths, np.random.default_rng([seed, paths, r]), pooled)
        secs.append(s)
    s = statistics.median(secs)
    return s, paths * HORIZON / s, last


def paired_check(name, ours, theirs, rng, stat, nboot=1000):
    """Difference of stat(theirs) - stat(ours), with its paired bootstrap
    standard error (paths resampled jointly: both sit on the same draws)."""
    n = len(ours)
    diff = stat(theirs) - stat(ours)
    boot = np.empty(nboot)
    for b in range(nboot):
        idx = rng.integers(0, n, n)
        boot[b] = stat(theirs[idx]) - stat(ours[idx])
    se = boot.std(ddof=1)
    ok = abs(diff) <= 3.0 * se
    print(
        "  %-22s ours %9.0f  numpy %9.0f  diff %+8.0f  (se %6.0f, %.1f se) %s"
        % (name, stat(ours), stat(theirs), diff, se, abs(diff) / se if se > 0 else 0.0,
           "agree" if ok else "DISAGREE")
    )
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("draws", help="bench_project's per-path CSV")
    ap.add_argument("--out", help="where to write 'paths rate' lines "
                    "(default: bench_project_numpy.txt beside the CSV)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20241206)
    ap.add_argument("--pooled", action="store_true",
                    help="also time the pooled variant (one binomial per day)")
    a = ap.parse_args()
    inp = load_inputs(a.draws)
    out_path = a.out or os.path.join(os.path.dirname(os.path.abspath(a.draws)),
                                     "bench_project_numpy.txt")

    print("project_numpy: numpy %s, %d posterior draws from %s"
          % (np.__version__, len(inp["N0"]), a.draws))
    print("  day loop, %d days, median of %d     paths   seconds   path-days/s" % (HORIZON, a.runs))
    rates = {4000: [0.0, 0.0], 40000: [0.0, 0.0]}  # paths: 4 cohorts, pooled
    res4k = None
    variants = [False, True] if a.pooled else [False]
    for pooled in variants:
        for paths in rates:
            s, rate, last = timed(inp, paths, a.runs, a.seed, pooled)
            label = "pooled (1 binomial/day)" if pooled else "4 cohorts"
            print("  %-34s %6d  %8.4f   %6.2f M/s" % (label, paths, s, rate / 1e6))
            rates[paths][int(pooled)] = rate
            if not pooled and paths == 4000:
                res4k = last
    # "paths rate pooled_rate" (0: not measured), for bench_project --numpy.
    with open(out_path, "w") as f:
        for paths, (rate, pooled_rate) in rates.items():
            f.write("%d %.6g %.6g\n" % (paths, rate, pooled_rate))
    print("  written to %s (bench_project --numpy %s)" % (out_path, out_path))

    # Sanity: the last date at 4,000 paths, numpy (4 cohorts) against ours.
    if "N_end" in inp and len(inp["N_end"]) == 4000:
        rng = np.random.default_rng(a.seed)
        print("\n  check, last date, 4,000 paths on the same draws (own scenario and process "
              "randomness):")
        ok = True
        for s, name in ((0, "N_end"), (1, "C_end"), (2, "K_end")):
            ours = inp[name]
            theirs = res4k[s, -1].astype(float)
            ok &= paired_check(name + " median", ours, theirs, rng, np.median)
            ok &= paired_check(name + " mean", ours, theirs, rng, np.mean)
            ok &= paired_check(name + " q05", ours, theirs, rng, lambda x: np.quantile(x, 0.05))
            ok &= paired_check(name + " q95", ours, theirs, rng, lambda x: np.quantile(x, 0.95))
        print("  %s within Monte Carlo error (3 paired-bootstrap se)"
              % ("all agree" if ok else "NOT all"))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
