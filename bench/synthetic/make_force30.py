#!/usr/bin/python3
"""make_force30.py -- writes force30.csv, the 30-row synthetic ledger of
bench/README.md's speed target for a force with groups, departures, return
to duty and every measure (force30.ini states the model).

The truth is fixed below; the force is stepped a day at a time as
docs/model.md 1.5 states it (equations (1b)-(4b)); each report is the model
quantity of its kind, measure and groups times its class's bias and
log-normal noise (sigma 0.2), rounded as public figures are.  Run it again
to regenerate the file byte for byte (its seed is fixed)."""
import datetime as dt
import math
import random

DAY0 = dt.date(1970, 1, 1)


def day(s):
    return (dt.date.fromisoformat(s) - DAY0).days


# The truth: phases' hazards, groups' ratios, arrivals, departures, returns.
PHASES = [("2024-10-01", "2024-12-06", 0.0), ("2024-12-06", "2025-01-15", 0.006),
          ("2025-01-15", "2025-02-05", 0.0007), ("2025-02-05", "2025-04-15", 0.004),
          ("2025-04-15", None, 0.002)]
RATIO = [1.0, 0.55, 0.3]  # inf (reference), art (estimated), eng (fixed 0.3)
ARRIVALS = [("2024-10-16", 11000.0, 0), ("2024-11-20", 1600.0, 1), ("2024-11-25", 700.0, 2),
            ("2025-01-22", 1000.0, 0), ("2025-03-10", 2500.0, 0)]
# Counts leave the infantry only: a count from a small group can empty it,
# and the cap min(count, N) then puts a kink in the posterior that NUTS
# cannot cross (docs/model.md 7.5); shares leave the smaller groups.
DEPARTURES = [("2025-01-05", 500.0, 0, False), ("2025-01-20", 300.0, 0, False),
              ("2025-02-10", 0.1, 0, True), ("2025-02-15", 0.2, 2, True),
              ("2025-03-01", 100.0, 0, False), ("2025-04-20", 0.15, 1, True)]
KAPPA, RHO, DELAY = 0.35, 0.3, 20
BIAS = {"ua_gov": 0.5, "us_gov": 0.0, "think_tank": 0.2, "kr_gov": -0.1}
SIGMA = 0.2


def states(until):
    """C, N, D per group at 00:00 of every day from the first arrival to until."""
    d0 = day(ARRIVALS[0][0])
    G = len(RATIO)
    N, C, D = [0.0] * G, [0.0] * G, [0.0] * G
    lost = []
    out = {d0: ([0.0] * G, [0.0] * G, [0.0] * G)}
    for u in range(until - d0):
        t = d0 + u
        h = 0.0
        for s, e, hz in PHASES:
            if day(s) <= t and (e is None or t < day(e)):
                h = hz
        for a, n, g in ARRIVALS:
            if day(a) == t:
                N[g] += n
                D[g] += n
        if u >= DELAY:
            for g in range(G):
                N[g] += RHO * (1 - KAPPA) * lost[u - DELAY][g]
        for a, m, g, share in DEPARTURES:
            if day(a) == t:
                N[g] -= m * N[g] if share else min(m, N[g])
        today = []
        for g in range(G):
            x = N[g] * -math.expm1(-h * RATIO[g])
            today.append(x)
            N[g] -= x
            C[g] += x
        lost.append(today)
        out[t + 1] = (list(C), list(N), list(D))
    return out


def pick(st, t, groups):
    C, N, D = st[t]
    return (sum(C[g] for g in groups), sum(N[g] for g in groups), sum(D[g] for g in groups))


GROUPS = {"": [0, 1, 2], "inf": [0], "art": [1], "eng": [2], "art+inf": [0, 1],
          "eng+inf": [0, 2], "art+eng": [1, 2]}
# id, stated, from, to, class, kind, qualifier, measure, groups
ROWS = [
    ("a01", "2024-11-10", "2024-11-10", "2024-11-10", "us_gov", "deployed", "approx", "", ""),
    ("a02", "2024-12-20", "2024-12-20", "2024-12-20", "ua_gov", "casualties", "approx", "", ""),
    ("a03", "2024-12-31", "2024-12-21", "2024-12-31", "us_gov", "casualties", "range", "", "inf"),
    ("a04", "2025-01-05", "2025-01-05", "2025-01-05", "ua_gov", "casualties", "approx", "", ""),
    ("a05", "2025-01-10", "2025-01-10", "2025-01-10", "kr_gov", "killed", "at_least", "", "art+eng"),
    ("a06", "2025-01-20", "2024-12-06", "2025-01-15", "think_tank", "rate", "approx", "", ""),
    ("a07", "2025-01-25", "2025-01-01", "2025-01-15", "think_tank", "casualties", "up_to", "daily", "inf"),
    ("a08", "2025-01-31", "2025-01-31", "2025-01-31", "think_tank", "fraction", "up_to", "", "inf"),
    ("a09", "2025-02-01", "2025-01-20", "2025-02-01", "ua_gov", "wounded", "range", "", "inf"),
    ("a10", "2025-02-05", "2025-02-05", "2025-02-05", "kr_gov", "strength", "approx", "", ""),
    ("a11", "2025-02-10", "2024-12-10", "2025-01-10", "ua_gov", "casualties", "approx", "period", "art"),
    ("a12", "2025-02-20", "2025-01-20", "2025-02-10", "us_gov", "killed", "range", "period", "art+inf"),
    ("a13", "2025-02-25", "2025-02-06", "2025-02-20", "ua_gov", "killed", "approx", "daily", "eng"),
    ("a14", "2025-03-01", "2025-03-01", "2025-03-01", "ua_gov", "strength", "approx", "", "inf"),
    ("a15", "2025-03-05", "2025-02-20", "2025-03-05", "ua_gov", "strength", "range", "", "art"),
    ("a16", "2025-03-10", "2025-03-01", "2025-03-10", "us_gov", "deployed", "at_least", "", "eng"),
    ("a17", "2025-03-15", "2025-03-15", "2025-03-15", "us_gov", "casualties", "approx", "", ""),
    ("a18", "2025-03-20", "2025-02-01", "2025-03-10", "ua_gov", "wounded", "at_least", "period", ""),
    ("a19", "2025-03-25", "2025-03-01", "2025-03-20", "us_gov", "wounded", "range", "daily", ""),
    ("a20", "2025-03-31", "2025-03-31", "2025-03-31", "kr_gov", "killed", "approx", "", ""),
    ("a21", "2025-04-05", "2025-04-05", "2025-04-05", "think_tank", "fraction", "at_least", "", ""),
    ("a22", "2025-04-10", "2025-03-10", "2025-04-09", "think_tank", "rate", "approx", "", ""),
    ("a23", "2025-04-15", "2025-04-15", "2025-04-15", "ua_gov", "casualties", "approx", "", "eng+inf"),
    ("a24", "2025-04-20", "2025-04-20", "2025-04-20", "us_gov", "strength", "up_to", "", "art"),
    ("a25", "2025-04-30", "2025-04-01", "2025-04-30", "ua_gov", "casualties", "approx", "period", ""),
    ("a26", "2025-05-05", "2025-05-05", "2025-05-05", "kr_gov", "deployed", "approx", "", ""),
    ("a27", "2025-05-10", "2025-04-20", "2025-05-10", "us_gov", "killed", "approx", "daily", "inf"),
    ("a28", "2025-05-20", "2025-05-20", "2025-05-20", "ua_gov", "wounded", "approx", "", ""),
    ("a29", "2025-05-31", "2025-05-31", "2025-05-31", "think_tank", "strength", "range", "", ""),
    ("a30", "2025-06-10", "2025-06-10", "2025-06-10", "us_gov", "casualties", "at_least", "", "art"),
]


def quantity(st, kind, measure, a, b, groups):
    share = {"killed": KAPPA, "wounded": 1 - KAPPA}.get(kind, 1.0)
    if kind == "rate" or measure in ("period", "daily"):
        c = pick(st, b + 1, groups)[0] - pick(st, a, groups)[0]
        per_day = kind == "rate" or measure == "daily"
        return share * c / ((b - a + 1) if per_day else 1)
    vals = []
    for d in range(a, b + 1):
        C, N, D = pick(st, d + 1, groups)
        vals.append({"strength": N, "deployed": D, "fraction": C / D if D else 0.0}.get(kind, share * C))
    return sum(vals) / len(vals)


def public(x):
    """Rounded as a public figure: two significant digits."""
    if x < 1:
        return float("%.2g" % x)
    return float("%.2g" % x) if x >= 100 else float("%.2g" % x)


def main():
    rng = random.Random(30)
    st = states(day("2025-06-12"))
    out = ["id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,"
           "high,quote,doc,measure,group"]
    for rid, said, a, b, cls, kind, qual, measure, groups in ROWS:
        family = "force" if kind in ("strength", "deployed") else "losses"
        m = quantity(st, kind, measure, day(a), day(b), GROUPS[groups])
        y = m * math.exp(BIAS[cls] * (family == "losses") + SIGMA * rng.gauss(0, 1))
        value, low, high = "", "", ""
        if qual == "range":
            low, high = "%g" % public(y * 0.8), "%g" % public(y * 1.25)
        elif qual == "at_least":
            value = "%g" % public(y * 0.8)
        elif qual == "up_to":
            value = "%g" % public(y * 1.25)
        else:
            value = "%g" % public(y)
        if kind == "fraction":
            value = "%g" % min(float(value), 1.0) if value else value
        out.append(",".join([rid, said, a, b, cls.upper(), cls, kind, qual, value, low, high,
                             "synthetic", "make_force30.py", measure, groups]))
    with open("force30.csv", "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
