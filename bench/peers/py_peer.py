#!/usr/bin/python3
"""py_peer.py -- the Python peer of `attrition` (bench/run, issue 6): the
phase-hazard model of MODEL.md / docs/model.md with Debian's numpy, scipy
and emcee, as a competent user writes it: the first version, the force of
section 1.5 (the export's "force") and sources as they are (its "sources":
noise per class and undercount classes, equations (6a), (6b)).

  logp JSON POINTS XI      the log density (13) at each row of POINTS (a
                           draws file, theta's order; XI = 1: the rows are
                           the sampler's coordinates xi of docs/model.md 3.5),
                           all rows in one vectorised call; one %.17g a line
  fit JSON OUT [--seed N] [--walkers W] [--warmup S] [--draws S]
                           the mode by scipy.optimize.minimize (BFGS, central
                           difference gradient in one vectorised call), a
                           Laplace covariance (central second differences,
                           one vectorised call), then emcee (vectorize=True)
                           on xi from walkers drawn from the Laplace
                           approximation: S warm-up steps, S kept; writes the
                           kept draws (theta, walkers as chains) to OUT and
                           prints timings and a summary
  project CSV [--paths P] [--runs R] [--pooled] [--seed N]
                           the reinforce30k projection of project_numpy.py on
                           bench_peers' per-path inputs: the day loop's
                           median seconds and path-days per second

Draws files: a line "chains draws dim", then one line per draw (chain after
chain), theta's order, unconstrained.  Run with /usr/bin/python3 (Debian's
packages; bench/peers/install.sh installs them).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
from scipy import optimize, special

LOG_SQRT_2PI = 0.91893853320467274178
SQRT1_2 = 0.70710678118654752440
KINDS = ["casualties", "killed", "wounded", "rate", "fraction", "strength", "deployed"]


def span(r):
    """A report over a period (a rate, or a loss measured over a period or
    per day of it): (from, to, days, per_day); None for one read at each
    day of its window."""
    if r["kind"] == "rate":
        return r["rate_from"], r["rate_to"], r["rate_days"], True
    if r.get("measure", "cumulative") in ("period", "daily"):
        return r["period_from"], r["period_to"], r["period_days"], r["measure"] == "daily"
    return None
QUALS = ["approx", "range", "at_least", "up_to"]


def log_ndtr(x):
    """log Phi(x) (docs/model.md 2.3); scipy's is accurate in both tails."""
    return special.log_ndtr(x)


def log1mexp(x):
    """log(1 - exp(x)) for x < 0 (Maechler 2012)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > -math.log(2.0), np.log(-np.expm1(np.minimum(x, 0.0))),
                        np.log1p(-np.exp(np.minimum(x, 0.0))))


def log_ndtr_diff(a, b):
    """log(Phi(b) - Phi(a)), a < b, with the branches of section 2.3."""
    w = b - a
    m = 0.5 * (a + b)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        narrow = -0.5 * m * m - LOG_SQRT_2PI + np.log(w) + np.log1p((m * m - 1.0) * w * w / 24.0)
        qa, qb = log_ndtr(-a), log_ndtr(-b)
        upper = qa + log1mexp(qb - qa)
        pa, pb = log_ndtr(a), log_ndtr(b)
        lower = pb + log1mexp(pa - pb)
        mid = np.log1p(-np.exp(pa) - np.exp(qb))
    return np.where(w < 1e-3, narrow, np.where(a >= 0.0, upper, np.where(b <= 0.0, lower, mid)))


def log_inv_logit(u):
    return -np.logaddexp(0.0, -u)


class Model:
    """The canonical JSON of `attrition export-data`, precomputed for
    vectorised evaluation over a batch of points (rows)."""

    def __init__(self, path):
        with open(path) as f:
            j = json.load(f)
        if j.get("format") != "attrition-fit-inputs" or j.get("model") != "phase-hazard":
            raise ValueError(path + ": not the canonical JSON of a phase-hazard fit")
        ph, ar, reps = j["phases"], j["arrivals"], j["reports"]
        self.names = j["parameters"]
        K, J = len(ph), len(ar)
        self.fixed = np.array([p["fixed"] for p in ph])
        self.hz_fixed = np.array([p["hazard"] if p["fixed"] else 0.0 for p in ph])
        self.h_idx = np.flatnonzero(~self.fixed)
        self.h_mu = np.array([ph[k]["log_hazard_mean"] for k in self.h_idx])
        self.h_sd = np.array([ph[k]["log_hazard_sd"] for k in self.h_idx])
        self.prior = np.array([["fixed", "uniform", "lognormal"].index(a["prior"]) for a in ar])
        self.count_fixed = np.array([a["count"] if a["prior"] == "fixed" else 0.0 for a in ar])
        self.arr_low = np.array([a["low"] if a["low"] is not None else 0.0 for a in ar])
        self.arr_high = np.array([a["high"] if a["high"] is not None else 1.0 for a in ar])
        self.arr_mu = np.array([a["log_mean"] if a["log_mean"] is not None else 0.0 for a in ar])
        self.arr_sd = np.array([a["log_sd"] if a["log_sd"] is not None else 1.0 for a in ar])
        self.n_idx = np.flatnonzero(self.prior > 0)
        self.kappa_a = j["priors"]["kappa_a"]
        self.kappa_b = j["priors"]["kappa_b"]
        self.sigma_mu = math.log(j["priors"]["sigma_median"])
        self.sigma_sd = j["priors"]["sigma_log_sd"]
        bnames = [n for n in self.names if n.startswith("b_")]
        classes = {c["name"]: c for c in j["classes"]}
        self.tau = np.array([classes[n[2:n.rindex("_")]]["tau_" + n[n.rindex("_") + 1:]]
                             for n in bnames])
        nh = len(self.h_idx)
        self.force = self.load_force(j.get("force"), ar)
        self.load_sources(j.get("sources"), reps)
        # Per class in the JSON's order: a bias per family, or an undercount
        # class's c_<class> in place of its losses bias (the C side's layout).
        blk = [n for n in self.names if n.startswith(("b_", "c_"))]
        expect = (["h_" + ph[k]["name"] for k in self.h_idx] + ["kappa", self.sigma_name]
                  + self.z_names + blk + ["n_" + ar[k]["name"] for k in self.n_idx]
                  + self.force_names)
        if expect != self.names:
            raise ValueError("parameter order: expected " + ",".join(expect))
        self.i_kappa, self.i_sigma = nh, nh + 1
        self.i_z = np.array([self.names.index(n) for n in self.z_names], dtype=int)
        self.i_bias = np.array([self.names.index(n) for n in bnames], dtype=int)
        self.i_compl = np.array([self.names.index(n) for n in self.c_names], dtype=int)
        self.i_n = np.array([self.names.index("n_" + ar[k]["name"]) for k in self.n_idx],
                            dtype=int)
        self.i_force = nh + 2 + len(self.z_names) + len(blk) + len(self.n_idx)
        self.dim = len(self.names)

        # Distinct evaluation times; each cohort's exposure to each phase.
        tset = set()
        for r in reps:
            sp = span(r)
            tset.update(sp[:2] if sp else r["times"])
        self.times = np.array(sorted(tset), dtype=float)
        T = len(self.times)
        tix = {t: i for i, t in enumerate(sorted(tset))}
        start = np.array([p["start"] for p in ph], dtype=float)
        end = np.array([p["end"] if p["end"] is not None else np.inf for p in ph], dtype=float)
        tau_arr = np.array([a["time"] for a in ar], dtype=float)
        self.arr_time = tau_arr
        self.arrived = (tau_arr[:, None] < self.times[None, :]).astype(float)  # J x T
        lo = np.maximum(start[None, None, :], tau_arr[:, None, None])
        hi = np.minimum(end[None, None, :], self.times[None, :, None])
        self.L = np.maximum(hi - lo, 0.0) * self.arrived[:, :, None]  # J x T x K

        # Points: one per day of a window, one per rate.
        pt_t, pt_t0, pt_r, first, npt = [], [], [], [], []
        for i, r in enumerate(reps):
            first.append(len(pt_t))
            sp = span(r)
            if sp:
                pt_t.append(tix[sp[1]])
                pt_t0.append(tix[sp[0]])
                pt_r.append(i)
            else:
                for t in r["times"]:
                    pt_t.append(tix[t])
                    pt_t0.append(0)
                    pt_r.append(i)
            npt.append(len(pt_t) - first[-1])
        self.pt_t, self.pt_t0 = np.array(pt_t), np.array(pt_t0)
        self.pt_r, self.first, self.npt = np.array(pt_r), np.array(first), np.array(npt)
        self.kind = np.array([KINDS.index(r["kind"]) + 1 for r in reps])
        self.qual = np.array([QUALS.index(r["qualifier"]) + 1 for r in reps])
        rng = self.qual == 2
        self.ly = np.array([0.0 if q else math.log(r["value"]) for q, r in zip(rng, reps)])
        self.llo = np.array([math.log(r["low"]) if q else 0.0 for q, r in zip(rng, reps)])
        self.lhi = np.array([math.log(r["high"]) if q else 0.0 for q, r in zip(rng, reps)])
        self.bias = np.array([self.names.index(r["bias"]) if r["bias"] else -1 for r in reps])
        # The bias's place among the biases (the sampler's levels), and with
        # "sources" each report's log c_s (theta index of logit c_s) and
        # noise (theta index of z_s), -1 where none.
        self.bslot = np.array([bnames.index(r["bias"]) if r["bias"] else -1 for r in reps])
        self.compl = np.array([self.names.index(r["completeness"]) if r.get("completeness")
                               else -1 for r in reps])
        self.noise = np.array([self.names.index(r["noise"]) if r.get("noise") else -1
                               for r in reps])
        if ((self.noise >= 0) != self.per_class).any():
            raise ValueError("noise per class: every report names its class's noise, or none")
        self.lwidth = np.array([math.log(span(r)[2]) if span(r) and span(r)[3] else 0.0
                                for r in reps])
        self.over = np.array([span(r) is not None for r in reps])
        # Per point: kind, qualifier, over a period, and the rest of its report.
        self.pk, self.pq = self.kind[self.pt_r], self.qual[self.pt_r]
        self.pover = self.over[self.pt_r]
        self.ph_start, self.ph_end = start, end
        # Positive whatever theta: arrived, and for losses exposed to a
        # phase with combat (between the two ends for a rate).
        combat = (~self.fixed) | (self.hz_fixed > 0)
        self.combat = combat
        Lend = self.L[:, self.pt_t, :]
        Lbeg = np.where(self.pover[None, :, None], self.L[:, self.pt_t0, :], 0.0)
        exposed = ((Lend > Lbeg) & combat[None, None, :]).any(axis=2)  # J x P
        arr = self.arrived[:, self.pt_t] > 0
        losses = self.pk <= 5
        self.pos = np.where(losses, (arr & exposed).any(axis=0), arr.any(axis=0))
        if self.force:
            self.force_design(reps, tau_arr)
        # The sampler's coordinates: pooled point reports and their first
        # positive point.
        self.pooled = np.zeros(len(reps), dtype=bool)
        self.lfirst = np.zeros(len(reps), dtype=int)
        for i in range(len(reps)):
            seg = self.pos[first[i]:first[i] + npt[i]]
            self.lfirst[i] = int(np.argmax(seg)) if seg.any() else npt[i]
            self.pooled[i] = self.qual[i] in (1, 2) and self.bias[i] >= 0 and seg.any()
            if self.force:  # m may fall back to 0 after a departure of a count
                self.pooled[i] = self.pooled[i] and bool(seg[self.lfirst[i]:].all())
        # A pooled range counts as a figure at its centre with the variance
        # of a uniform over its log width.
        self.lcentre = np.where(self.qual == 2, 0.5 * (self.llo + self.lhi), self.ly)
        self.lspread = np.where(self.qual == 2, (self.lhi - self.llo) ** 2 / 12.0, 0.0)
        self.lnpt = np.log(self.npt)

    # ---- sources as they are (docs/model.md (6a), (6b)) ---------------------
    def load_sources(self, src, reps):
        """The JSON's "sources" (None: one shared sigma and no undercount
        class, as the first version): sets the noise's parameter names
        (sigma0 and each class's z_s, named sigma_<class>, in the classes'
        order, for the classes some report carries), omega, and the
        completeness parameters c_<class> with their beta priors."""
        self.per_class = src is not None and src["noise"] == "per_class"
        self.sigma_name = "sigma0" if self.per_class else "sigma"
        self.omega = float(src["sigma_spread"]) if self.per_class else 0.0
        used = {r["class"] for r in reps}
        cls = src["classes"] if src is not None else []
        self.z_names = (["sigma_" + c["name"] for c in cls if c["name"] in used]
                        if self.per_class else [])
        comp = {c["name"]: c for c in cls if c["undercount"]}
        self.c_names = [n for n in self.names if n.startswith("c_")]
        for n in self.c_names:
            if n[2:] not in comp:
                raise ValueError(n + ": not an undercount class")
        self.c_a = np.array([comp[n[2:]]["completeness_a"] for n in self.c_names])
        self.c_b = np.array([comp[n[2:]]["completeness_b"] for n in self.c_names])

    def log_sigma(self, x):
        """log sigma of every report (W x R): log sigma, or with noise =
        per_class log sigma_s = log sigma0 + omega z_s (6a)."""
        ls = np.repeat(x[:, self.i_sigma][:, None], len(self.noise), axis=1)
        if self.per_class:
            ls = ls + self.omega * x[:, self.noise]
        return ls

    # ---- the force: groups, departures, returns (docs/model.md 1.5) --------
    def load_force(self, f, ar):
        """The force's parts from the JSON's "force" (None: the first
        version's model); sets self.force_names, the parameters it adds."""
        self.force_names = []
        if f is None:
            return None
        F = {"groups": f["groups"], "deps": f["departures"], "ret": f["returns"]}
        F["G"] = len(f["groups"])
        F["arr_group"] = np.array([a["group"] for a in ar])
        F["r_idx"] = [g for g, x in enumerate(f["groups"]) if not x["fixed"]]
        F["d_idx"] = [k for k, d in enumerate(f["departures"]) if d["prior"] != "fixed"]
        F["rho_est"] = f["returns"]["delay"] > 0 and not f["returns"]["fixed"]
        self.force_names = (["r_" + f["groups"][g]["name"] for g in F["r_idx"]]
                            + ["dep_" + f["departures"][k]["name"] for k in F["d_idx"]]
                            + (["rho"] if F["rho_est"] else []))
        return F

    def force_design(self, reps, tau_arr):
        """Each point's boundary (day) and groups, and what is positive
        whatever theta, as the C side's post_quantity_positive_force."""
        F = self.force
        G = F["G"]
        F["day0"] = int(min(tau_arr))
        tmax = int(max(self.times))
        F["U"] = max(tmax - F["day0"], 0)
        F["phase"] = np.full(F["U"], -1)
        for u in range(F["U"]):
            day = F["day0"] + u
            for k in range(len(self.ph_start)):
                if self.ph_start[k] <= day < self.ph_end[k]:
                    F["phase"][u] = k
        mask = np.zeros((len(self.pt_t), G))
        for p_, r in enumerate(self.pt_r):
            mask[p_, reps[r]["groups"]] = 1.0
        F["mask"] = mask
        b = np.maximum(self.times - F["day0"], 0).astype(int)
        F["b_t"], F["b_t0"] = b[self.pt_t], b[self.pt_t0]
        # Positive whatever theta (conservative where a count may empty a group).
        deps = F["deps"]
        pos = np.zeros(len(self.pt_t), dtype=bool)
        for p_ in range(len(self.pt_t)):
            k, t = self.pk[p_], self.times[self.pt_t[p_]]
            t0 = self.times[self.pt_t0[p_]] if self.pover[p_] else 0.0
            for j, tau in enumerate(tau_arr):
                g = F["arr_group"][j]
                if mask[p_, g] == 0 or not tau < t:
                    continue
                if k == 7:
                    pos[p_] = True
                    break
                until = t
                for d in deps:
                    if d["time"] < t and d["group"] == g and not d["by_share"]:
                        until = d["time"]
                        break
                if k == 6:
                    if until == t:
                        pos[p_] = True
                        break
                    continue
                lo = np.maximum(self.ph_start, max(tau, t0))
                hi = np.minimum(self.ph_end, until)
                if ((hi - lo > 0) & self.combat).any():
                    pos[p_] = True
                    break
        self.pos = pos

    def force_values(self, th):
        """r_g (W x G), the departures' counts or shares (W x ND), rho (W)."""
        F = self.force
        W = th.shape[0]
        c = self.i_force
        ratio = np.tile([g["ratio"] if g["fixed"] else 1.0 for g in F["groups"]], (W, 1))
        for g in F["r_idx"]:
            ratio[:, g] = np.exp(th[:, c])
            c += 1
        dep = np.tile([d["count"] if d["prior"] == "fixed" else 0.0 for d in F["deps"]], (W, 1))
        for k in F["d_idx"]:
            d = F["deps"][k]
            if d["prior"] == "uniform":
                dep[:, k] = d["low"] + (d["high"] - d["low"]) * special.expit(th[:, c])
            elif d["prior"] == "beta":
                dep[:, k] = special.expit(th[:, c])
            else:
                dep[:, k] = np.exp(th[:, c])
            c += 1
        ret = F["ret"]
        if F["rho_est"]:
            rho = special.expit(th[:, c])
        else:
            rho = np.full(W, ret["share"] if ret["delay"] > 0 else 0.0)
        return ratio, dep, rho

    def force_state(self, th, hz, cnt):
        """C, N, D of every group at every boundary (W x (U + 1) x G),
        stepping the groups a day at a time (equations (1b)-(4b))."""
        F = self.force
        W, G, U = th.shape[0], F["G"], F["U"]
        ratio, dep, rho = self.force_values(th)
        kappa = special.expit(th[:, self.i_kappa])
        ret = (rho * (1.0 - kappa))[:, None]
        delay = F["ret"]["delay"]
        out = np.zeros((3, W, U + 1, G))
        N, C, D = np.zeros((W, G)), np.zeros((W, G)), np.zeros((W, G))
        lost_hist = np.zeros((W, U, G))
        arr_day = {}
        for j, a in enumerate(self.arr_time):
            arr_day.setdefault(int(a), []).append(j)
        dep_day = {}
        for k, d in enumerate(F["deps"]):
            dep_day.setdefault(int(d["time"]), []).append(k)
        for u in range(U):
            day = F["day0"] + u
            k = F["phase"][u]
            h = hz[:, k] if k >= 0 else np.zeros(W)
            for j in arr_day.get(day, []):
                g = F["arr_group"][j]
                N[:, g] += cnt[:, j]
                D[:, g] += cnt[:, j]
            if delay > 0 and u >= delay:
                N = N + ret * lost_hist[:, u - delay, :]
            for k2 in dep_day.get(day, []):
                d = F["deps"][k2]
                g = d["group"]
                if d["by_share"]:
                    N[:, g] -= dep[:, k2] * N[:, g]
                else:
                    N[:, g] -= np.minimum(dep[:, k2], N[:, g])
            lost = N * -np.expm1(-(h[:, None] * ratio))
            lost_hist[:, u, :] = lost
            N = N - lost
            C = C + lost
            out[0, :, u + 1], out[1, :, u + 1], out[2, :, u + 1] = C, N, D
        return out

    def force_prior(self, th):
        """The log prior of the force's parameters, Jacobians included."""
        F = self.force
        lp = np.zeros(th.shape[0])
        c = self.i_force
        for g in F["r_idx"]:
            x = F["groups"][g]
            lp += (-0.5 * ((th[:, c] - x["log_ratio_mean"]) / x["log_ratio_sd"]) ** 2
                   - math.log(x["log_ratio_sd"]) - LOG_SQRT_2PI)
            c += 1
        for k in F["d_idx"]:
            d = F["deps"][k]
            u = th[:, c]
            if d["prior"] == "uniform":
                lp += log_inv_logit(u) + log_inv_logit(-u)
            elif d["prior"] == "beta":
                lp += (d["share_a"] * log_inv_logit(u) + d["share_b"] * log_inv_logit(-u)
                       - special.betaln(d["share_a"], d["share_b"]))
            else:
                lp += (-0.5 * ((u - d["log_mean"]) / d["log_sd"]) ** 2 - math.log(d["log_sd"])
                       - LOG_SQRT_2PI)
            c += 1
        if F["rho_est"]:
            a, b, u = F["ret"]["share_a"], F["ret"]["share_b"], th[:, c]
            lp += a * log_inv_logit(u) + b * log_inv_logit(-u) - special.betaln(a, b)
        return lp

    # ---- the model --------------------------------------------------------
    def values(self, th):
        """hazards (W x K), counts (W x J), kappa, sigma for theta rows."""
        W = th.shape[0]
        hz = np.tile(self.hz_fixed, (W, 1))
        hz[:, self.h_idx] = np.exp(th[:, :len(self.h_idx)])
        cnt = np.tile(self.count_fixed, (W, 1))
        for c, j in zip(self.i_n, self.n_idx):
            if self.prior[j] == 1:
                lo, hi = self.arr_low[j], self.arr_high[j]
                cnt[:, j] = lo + (hi - lo) * special.expit(th[:, c])
            else:
                cnt[:, j] = np.exp(th[:, c])
        return hz, cnt

    def log_m(self, th):
        """log m at every point (W x P), -inf where m = 0."""
        hz, cnt = self.values(th)
        u = th[:, self.i_kappa]
        lk, lw = log_inv_logit(u)[:, None], log_inv_logit(-u)[:, None]
        k = self.pk
        if self.force:
            F = self.force
            st = self.force_state(th, hz, cnt)
            # Each point's C, N, D: its groups' sums at its boundary.
            Cp, Np, Dp = (np.einsum("wpg,pg->wp", x[:, F["b_t"], :], F["mask"]) for x in st)
            C0 = np.einsum("wpg,pg->wp", st[0][:, F["b_t0"], :], F["mask"])
        else:
            H = np.einsum("wk,jtk->wjt", hz, self.L)
            nA = cnt[:, :, None] * self.arrived[None, :, :]
            C = (nA * -np.expm1(-H)).sum(axis=1)
            N = (nA * np.exp(-H)).sum(axis=1)
            D = nA.sum(axis=1)
            Cp, Np, Dp, C0 = C[:, self.pt_t], N[:, self.pt_t], D[:, self.pt_t], C[:, self.pt_t0]
        with np.errstate(divide="ignore", invalid="ignore"):
            lC, lN, lD = np.log(Cp), np.log(Np), np.log(Dp)
            # A change over a period (rate; a loss measured over a period
            # or per day of it), per day where lwidth is its days' log.
            lchg = np.log(Cp - C0) - self.lwidth[self.pt_r]
            ov = self.pover
            lm = np.select([ov & (k == 2), ov & (k == 3), ov, k == 1, k == 2, k == 3, k == 5,
                            k == 6],
                           [lchg + lk, lchg + lw, lchg, lC, lC + lk, lC + lw, lC - lD, lN], lD)
        if self.force:  # m is 0 where its value is, not only where self.pos says
            return np.where(np.isnan(lm), -np.inf, lm)
        return np.where(self.pos, lm, -np.inf)

    def level(self, lm, sigma):
        """mu_s and sqrt(v_s) of section 3.5 (W x NB each); sigma: each
        report's (W x R)."""
        W = lm.shape[0]
        nb = len(self.i_bias)
        lam = np.tile(1.0 / self.tau ** 2, (W, 1))
        msum = np.zeros((W, nb))
        for r in np.flatnonzero(self.pooled):
            x = lm[:, self.first[r] + self.lfirst[r]:self.first[r] + self.npt[r]]
            a = x.mean(axis=1)
            p = 1.0 / (sigma[:, r] ** 2 + ((x - a[:, None]) ** 2).mean(axis=1)
                       + self.lspread[r])
            s = self.bslot[r]
            lam[:, s] += p
            msum[:, s] += p * (self.lcentre[r] - a)
        return msum / lam, 1.0 / np.sqrt(lam)

    def logp(self, x, xi=False):
        """Equation (13) at rows x of theta, or log p(xi) with xi=True."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        th = x.copy()
        lsig = self.log_sigma(x)  # per report; shared with theta (xi moves the biases only)
        sigma = np.exp(lsig)
        lm = self.log_m(x)
        lp = np.zeros(x.shape[0])
        if xi and len(self.i_bias):
            mu, sqv = self.level(lm, sigma)
            th[:, self.i_bias] = mu + sqv * x[:, self.i_bias]
            lp += np.log(sqv).sum(axis=1)
        # Priors and Jacobians (11)-(12), closed forms of section 3.3.
        nh = len(self.h_idx)
        lp += (-0.5 * ((th[:, :nh] - self.h_mu) / self.h_sd) ** 2 - np.log(self.h_sd)
               - LOG_SQRT_2PI).sum(axis=1)
        u = th[:, self.i_kappa]
        lp += (self.kappa_a * log_inv_logit(u) + self.kappa_b * log_inv_logit(-u)
               - special.betaln(self.kappa_a, self.kappa_b))
        # log sigma ~ Normal(log sigma_median, sigma_log_sd^2): the
        # log-normal density of sigma times its Jacobian sigma.
        lp += (-0.5 * ((x[:, self.i_sigma] - self.sigma_mu) / self.sigma_sd) ** 2
               - math.log(self.sigma_sd) - LOG_SQRT_2PI)
        # noise = per_class: z_s ~ Normal(0, 1) (6a).
        lp += (-0.5 * th[:, self.i_z] ** 2 - LOG_SQRT_2PI).sum(axis=1)
        # An undercount class: c_s ~ Beta(a, b) through u = logit c_s, the
        # Jacobian c (1 - c) included (6b): a log c + b log(1 - c) - log B(a, b).
        u = th[:, self.i_compl]
        lp += (self.c_a * log_inv_logit(u) + self.c_b * log_inv_logit(-u)
               - special.betaln(self.c_a, self.c_b)).sum(axis=1)
        b = th[:, self.i_bias]
        lp += (-0.5 * (b / self.tau) ** 2 - np.log(self.tau) - LOG_SQRT_2PI).sum(axis=1)
        for c, j in zip(self.i_n, self.n_idx):
            if self.prior[j] == 1:
                lp += log_inv_logit(th[:, c]) + log_inv_logit(-th[:, c])
            else:
                lp += (-0.5 * ((th[:, c] - self.arr_mu[j]) / self.arr_sd[j]) ** 2
                       - math.log(self.arr_sd[j]) - LOG_SQRT_2PI)
        if self.force:
            lp += self.force_prior(th)
        # Likelihood: (7)-(9) per point, (10) per report.
        # A report's log bias: b_{s,f}, or an undercount class's log c_s (6b).
        bias_pt, compl_pt = self.bias[self.pt_r], self.compl[self.pt_r]
        bp = np.where(bias_pt >= 0, th[:, np.maximum(bias_pt, 0)],
                      np.where(compl_pt >= 0, log_inv_logit(th[:, np.maximum(compl_pt, 0)]),
                               0.0))
        sg = sigma[:, self.pt_r]
        # log sigma_s as the C side forms it (log sigma0 + omega z_s); with
        # one shared sigma, log(sigma) as the first version did.
        lsg = lsig[:, self.pt_r] if self.per_class else np.log(sg)
        with np.errstate(invalid="ignore"):
            z = (self.ly[self.pt_r] - lm - bp) / sg
            zlo = (self.llo[self.pt_r] - lm - bp) / sg
            zhi = (self.lhi[self.pt_r] - lm - bp) / sg
            q = self.pq
            ell = np.select([q == 1, q == 3, q == 4],
                            [-0.5 * z * z - lsg - LOG_SQRT_2PI, log_ndtr(-z), log_ndtr(z)],
                            log_ndtr_diff(zlo, zhi))
        ell = np.where(np.isneginf(lm), np.where(q == 4, 0.0, -np.inf), ell)
        mx = np.maximum.reduceat(ell, self.first, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            sm = np.add.reduceat(np.exp(ell - mx[:, self.pt_r]), self.first, axis=1)
            lr = mx + np.log(sm) - self.lnpt
        lr = np.where(np.isneginf(mx), -np.inf, lr)
        lp += lr.sum(axis=1)
        return np.where(np.isfinite(lp), lp, -np.inf)

    def to_theta(self, xi, block=1024):
        """theta from xi, in blocks of rows (the W x P temporaries of a
        whole posterior at once would take about a gigabyte)."""
        th = np.atleast_2d(np.array(xi, dtype=float))
        for i in range(0, th.shape[0], block) if len(self.i_bias) else ():
            x = th[i:i + block]
            mu, sqv = self.level(self.log_m(x), np.exp(self.log_sigma(x)))
            x[:, self.i_bias] = mu + sqv * x[:, self.i_bias]
        return th

    def to_xi(self, th):
        xi = np.atleast_2d(np.array(th, dtype=float))
        if len(self.i_bias):
            mu, sqv = self.level(self.log_m(xi), np.exp(self.log_sigma(xi)))
            xi[:, self.i_bias] = (xi[:, self.i_bias] - mu) / sqv
        return xi

    def constrain(self, th):
        """Model units: h, kappa, sigma (sigma0 and sigma_s), b, c_s, n."""
        v = th.copy()
        nh = len(self.h_idx)
        v[:, :nh] = np.exp(th[:, :nh])
        v[:, self.i_kappa] = special.expit(th[:, self.i_kappa])
        v[:, self.i_sigma] = np.exp(th[:, self.i_sigma])
        v[:, self.i_z] = np.exp(th[:, self.i_sigma][:, None] + self.omega * th[:, self.i_z])
        v[:, self.i_compl] = special.expit(th[:, self.i_compl])
        for c, j in zip(self.i_n, self.n_idx):
            v[:, c] = (self.arr_low[j] + (self.arr_high[j] - self.arr_low[j])
                       * special.expit(th[:, c])) if self.prior[j] == 1 else np.exp(th[:, c])
        return v

    def prior_center(self):
        c = np.zeros(self.dim)
        c[:len(self.h_idx)] = self.h_mu
        c[self.i_kappa] = math.log(self.kappa_a / self.kappa_b)
        c[self.i_sigma] = self.sigma_mu
        c[self.i_compl] = np.log(self.c_a / self.c_b)  # z_s: 0
        for k, j in zip(self.i_n, self.n_idx):
            c[k] = 0.0 if self.prior[j] == 1 else self.arr_mu[j]
        return c


def load_model(path):
    return Model(path)


def read_draws(path):
    with open(path) as f:
        c, d, k = (int(v) for v in f.readline().split())
    x = np.loadtxt(path, skiprows=1, ndmin=2)
    return c, d, x.reshape(c * d, k)


def write_draws(path, chains, draws, x):
    with open(path, "w") as f:
        f.write("%d %d %d\n" % (chains, draws, x.shape[1]))
        np.savetxt(f, x, fmt="%.17g")


# ---- mode and Laplace ------------------------------------------------------
def fd_grad(model, x, h=1e-5):
    """Central-difference gradient of log p: the 2 dim points in one call."""
    n = len(x)
    pts = np.repeat(x[None, :], 2 * n, axis=0)
    pts[np.arange(n), np.arange(n)] += h
    pts[n + np.arange(n), np.arange(n)] -= h
    f = model.logp(pts)
    return (f[:n] - f[n:]) / (2 * h)


def fd_hessian(model, x, h=1e-4):
    """Central second differences of log p, every point in one call."""
    n = len(x)
    E = np.eye(n) * h
    pts = [x]
    for i in range(n):
        pts += [x + E[i], x - E[i]]
    for i in range(n):
        for j in range(i + 1, n):
            pts += [x + E[i] + E[j], x + E[i] - E[j], x - E[i] + E[j], x - E[i] - E[j]]
    f = model.logp(np.array(pts))
    H = np.empty((n, n))
    k = 1
    for i in range(n):
        H[i, i] = (f[k] - 2 * f[0] + f[k + 1]) / h ** 2
        k += 2
    for i in range(n):
        for j in range(i + 1, n):
            H[i, j] = H[j, i] = (f[k] - f[k + 1] - f[k + 2] + f[k + 3]) / (4 * h * h)
            k += 4
    return H


def find_mode(model, starts=4, seed=1):
    """BFGS from the prior centre and three jittered starts; the best
    converged end point, its Laplace covariance."""
    rng = np.random.default_rng(seed)
    best = None
    x0 = model.prior_center()
    for s in range(starts):
        x = x0 if s == 0 else x0 + rng.normal(size=model.dim)
        if not np.isfinite(model.logp(x)[0]):
            continue
        r = optimize.minimize(lambda v: -model.logp(v)[0], x, jac=lambda v: -fd_grad(model, v),
                              method="BFGS", options={"gtol": 1e-5, "maxiter": 2000})
        if best is None or r.fun < best.fun:
            best = r
    H = fd_hessian(model, best.x)
    cov = np.linalg.inv(-(H + H.T) / 2)
    return best, cov


# ---- commands ----------------------------------------------------------------
def cmd_logp(a):
    model = load_model(a.json)
    _, _, x = read_draws(a.points)
    for v in model.logp(x, xi=bool(a.xi)):
        print("%.17g" % v)


def cmd_fit(a):
    import emcee

    t_all = time.perf_counter()
    model = load_model(a.json)
    t0 = time.perf_counter()
    mode, cov = find_mode(model)
    t_mode = time.perf_counter() - t0
    rng = np.random.default_rng(a.seed)
    # Walkers from the Laplace approximation (finite ones), mapped to xi.
    init = rng.multivariate_normal(mode.x, cov, size=4 * a.walkers)
    init = init[np.isfinite(model.logp(init))][:a.walkers]
    init = model.to_xi(init)
    np.random.seed(a.seed)  # the sampler copies numpy's global state when built
    sampler = emcee.EnsembleSampler(a.walkers, model.dim, lambda x: model.logp(x, xi=True),
                                    vectorize=True)
    t0 = time.perf_counter()
    state = sampler.run_mcmc(init, a.warmup, progress=False)
    sampler.reset()
    sampler.run_mcmc(state, a.draws, progress=False)
    t_samp = time.perf_counter() - t0
    chain = sampler.get_chain()  # draws x walkers x dim, xi
    xi = np.transpose(chain, (1, 0, 2)).reshape(-1, model.dim)
    th = model.to_theta(xi)
    write_draws(a.out, a.walkers, a.draws, th)
    # What a user prints: quantiles, emcee's autocorrelation time.
    v = model.constrain(th)
    qs = np.quantile(v, [0.05, 0.5, 0.95], axis=0)
    try:
        tau = sampler.get_autocorr_time(quiet=True)
    except Exception:  # noqa: BLE001 -- emcee raises on short chains
        tau = np.full(model.dim, np.nan)
    for k, n in enumerate(model.names):
        print("py_param %s q05=%.6g q50=%.6g q95=%.6g autocorr=%.1f" % (n, qs[0, k], qs[1, k],
                                                                          qs[2, k], tau[k]))
    print("py_mode_seconds=%.4f" % t_mode)
    print("py_mode_logp=%.10g py_mode_iterations=%d py_mode_success=%d"
          % (-mode.fun, mode.nit, int(mode.success)))
    print("py_sampler_seconds=%.4f" % t_samp)
    print("py_acceptance=%.3f" % float(np.mean(sampler.acceptance_fraction)))
    print("py_evaluations=%d" % (a.walkers * (a.warmup + a.draws)))
    print("py_total_seconds=%.4f" % (time.perf_counter() - t_all))


def cmd_project(a):
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import project_numpy as pn

    inp = pn.load_inputs(a.csv)
    secs = []
    for r in range(a.runs):
        s, _ = pn.simulate(inp, a.paths, np.random.default_rng([a.seed, a.paths, r]), a.pooled)
        secs.append(s)
    s = float(np.median(secs))
    print("numpy_loop_seconds=%.6f" % s)
    print("numpy_path_days_per_s=%.6g" % (a.paths * pn.HORIZON / s))
    print("numpy_pooled=%d" % int(a.pooled))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("logp")
    p.add_argument("json")
    p.add_argument("points")
    p.add_argument("xi", type=int)
    p = sub.add_parser("fit")
    p.add_argument("json")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=20241206)
    p.add_argument("--walkers", type=int, default=32)
    p.add_argument("--warmup", type=int, default=1000)
    p.add_argument("--draws", type=int, default=1000)
    p = sub.add_parser("project")
    p.add_argument("csv")
    p.add_argument("--paths", type=int, default=4000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--pooled", action="store_true")
    p.add_argument("--seed", type=int, default=20241206)
    a = ap.parse_args()
    {"logp": cmd_logp, "fit": cmd_fit, "project": cmd_project}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
