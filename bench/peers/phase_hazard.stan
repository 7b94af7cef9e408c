// phase_hazard.stan -- the phase-hazard model of MODEL.md, as docs/model.md
// states it, for Debian's rstan 2.21 (old array syntax).  The peer of
// `attrition fit` in bench/run; data from the canonical JSON of
// `attrition export-data`, converted by stan_run.R.
//
// The unconstrained coordinates are ours (docs/model.md, section 3.1):
// log h (Stan's <lower=0>), logit kappa (<lower=0, upper=1>), log sigma
// (<lower=0>), the biases as they are, and the arrival counts: logit of the
// place in [low, high] for a uniform count (<lower=0, upper=1>), log for a
// log-normal one (<lower=0>); with the JSON's "sources" (docs/model.md
// (6a), (6b)), sigma is sigma0 (log sigma0), each class's z_s is as it is and an
// undercount class's c_s is <lower=0, upper=1> (logit c_s).  Stan adds the
// log-Jacobians of those transforms itself; every density is written with
// `target +=` and its _lpdf, so that the constants are kept and
// rstan::log_prob(fit, upars, adjust_transform = TRUE) is equation (13) of
// docs/model.md.
//
// With use_xi = 1 the biases are sampled in the coordinates of section 3.5
// (xi), as attrition's NUTS samples them: bias_raw is beta_s and
//   b_s = mu_s + sqrt(v_s) beta_s,  log p(xi) = (13) + sum_s log sqrt(v_s);
// with use_xi = 0, bias_raw is b_s itself (theta).  The order of Stan's
// unconstrained vector is the order of the parameters block: hazards,
// kappa, sigma, biases, uniform counts, then log-normal counts, the
// force's, then the sources' z_s and logit c_s (stan_run.R maps it).
functions {
  // log erfc(y) for y > 26 (asymptotic series, Abramowitz & Stegun 7.1.23;
  // the terms kept leave a relative error below 1e-16 there).
  real ph_log_erfc_big(real y) {
    real u = 1 / (2 * square(y));
    real s = 1 - u * (1 - 3 * u * (1 - 5 * u * (1 - 7 * u * (1 - 9 * u * (1 - 11 * u * (1 - 13 * u))))));
    return -square(y) - log(y) - 0.5 * log(pi()) + log(s);
  }

  // log Phi(x), docs/model.md section 2.3.
  real ph_log_ndtr(real x) {
    if (x < -37)
      return ph_log_erfc_big(-x * 0.70710678118654752440) - log2();
    if (x < 0)
      return log(0.5 * erfc(-x * 0.70710678118654752440));
    return log1p(-0.5 * erfc(x * 0.70710678118654752440));
  }

  real ph_log1mexp(real x) {
    if (x > -log2())
      return log(-expm1(x));
    return log1p(-exp(x));
  }

  // log(Phi(b) - Phi(a)), a < b, with the branches of section 2.3.
  real ph_log_ndtr_diff(real a, real b) {
    real w = b - a;
    if (w < 1e-3) {
      real m = 0.5 * (a + b);
      return -0.5 * m * m - 0.91893853320467274178 + log(w) + log1p((m * m - 1) * w * w / 24);
    }
    if (a >= 0) {
      real qa = ph_log_ndtr(-a);
      real qb = ph_log_ndtr(-b);
      return qa + ph_log1mexp(qb - qa);
    }
    if (b <= 0) {
      real pa = ph_log_ndtr(a);
      real pb = ph_log_ndtr(b);
      return pb + ph_log1mexp(pa - pb);
    }
    return log1p(-exp(ph_log_ndtr(a)) - exp(ph_log_ndtr(-b)));
  }

  // One day's log-likelihood of a report, equations (7)-(9); qual 1 approx,
  // 2 range, 3 at_least, 4 up_to.  lm = -inf (m = 0): only up_to holds.
  real ph_point_ll(int qual, real lm, real b, real sigma, real ly, real llo, real lhi) {
    if (is_inf(lm))
      return qual == 4 ? 0 : negative_infinity();
    if (qual == 1)
      return normal_lpdf(ly | lm + b, sigma);
    if (qual == 2)
      return ph_log_ndtr_diff((llo - lm - b) / sigma, (lhi - lm - b) / sigma);
    if (qual == 3)
      return ph_log_ndtr(-(ly - lm - b) / sigma);
    return ph_log_ndtr((ly - lm - b) / sigma);
  }

  // log m at every evaluation point, equations (1)-(5): per cohort, the
  // cumulative hazard at each distinct time is its exposure matrix times
  // the hazards.  kind: 1 casualties, 2 killed, 3 wounded, 4 rate,
  // 5 fraction, 6 strength, 7 deployed; measure: 0 at each day of the
  // window, 1 the change over the period, 2 that change per day (rates).
  vector ph_log_m(vector hazard, vector count, real lkappa, real lwounded,
                  matrix[] L, matrix arrived, int[] kind, int[] measure, int[] first,
                  int[] npt, int[] pt_t, int[] pt_t0, int[] pos, vector lwidth) {
    int T = rows(arrived);
    int J = cols(arrived);
    int R = size(kind);
    int P = size(pt_t);
    vector[T] C = rep_vector(0, T);
    vector[T] N = rep_vector(0, T);
    vector[T] D = rep_vector(0, T);
    vector[P] lm;
    for (j in 1:J) {
      vector[T] H = L[j] * hazard;
      C += count[j] * (col(arrived, j) .* -expm1(-H));
      N += count[j] * (col(arrived, j) .* exp(-H));
      D += count[j] * col(arrived, j);
    }
    // Logs only where m > 0 whatever theta: log(0) of an autodiff variable
    // would send NaN into the gradient even where it is not used.
    for (r in 1:R) {
      for (d in first[r]:(first[r] + npt[r] - 1)) {
        int t = pt_t[d];
        if (pos[d] == 0)
          lm[d] = negative_infinity();
        else if (measure[r] > 0) {
          lm[d] = log(C[t] - C[pt_t0[d]]) - lwidth[r];
          if (kind[r] == 2)
            lm[d] += lkappa;
          else if (kind[r] == 3)
            lm[d] += lwounded;
        } else if (kind[r] == 1)
          lm[d] = log(C[t]);
        else if (kind[r] == 2)
          lm[d] = log(C[t]) + lkappa;
        else if (kind[r] == 3)
          lm[d] = log(C[t]) + lwounded;
        else if (kind[r] == 5)
          lm[d] = log(C[t]) - log(D[t]);
        else if (kind[r] == 6)
          lm[d] = log(N[t]);
        else
          lm[d] = log(D[t]);
      }
    }
    return lm;
  }

  // A force with groups, departures and returns (docs/model.md 1.5,
  // equations (1b)-(4b)), stepped a day at a time from day0: C, N, D of
  // every group at every boundary b (00:00 of day0 + b - 1), as a matrix of
  // (U + 1) rows and 3 G columns (C of each group, then N, then D).
  matrix ph_force_state(vector hazard, vector count, vector ratio, vector dep, real ret,
                        int[] dphase, int[] arr_day, int[] arr_group, int[] dep_day,
                        int[] dep_group, int[] dep_share, int delay, int G) {
    int U = size(dphase);
    matrix[U + 1, 3 * G] out = rep_matrix(0, U + 1, 3 * G);
    matrix[U, G] lost = rep_matrix(0, U, G);
    vector[G] N = rep_vector(0, G);
    vector[G] C = rep_vector(0, G);
    vector[G] D = rep_vector(0, G);
    for (u in 1:U) {
      real h = dphase[u] > 0 ? hazard[dphase[u]] : 0;
      for (j in 1:size(arr_day)) {
        if (arr_day[j] == u) {
          N[arr_group[j]] += count[j];
          D[arr_group[j]] += count[j];
        }
      }
      if (delay > 0 && u > delay)
        N += ret * lost[u - delay]';
      for (k in 1:size(dep_day)) {
        if (dep_day[k] == u) {
          int g = dep_group[k];
          if (dep_share[k] == 1)
            N[g] -= dep[k] * N[g];
          else
            N[g] -= fmin(dep[k], N[g]);
        }
      }
      for (g in 1:G) {
        real x = h * ratio[g];
        real l = x == 0 ? 0 : N[g] * -expm1(-x);
        lost[u, g] = l;
        N[g] -= l;
        C[g] += l;
      }
      out[u + 1] = append_row(append_row(C, N), D)';
    }
    return out;
  }

  // The departures' counts or shares from their coordinates.
  vector ph_dep_values(vector dep_count, int[] dep_prior, vector dep_low, vector dep_high,
                       vector dep_unit, vector dep_ln, vector dep_sh) {
    vector[rows(dep_count)] dep = dep_count;
    int iu = 1;
    int il = 1;
    int ib = 1;
    for (k in 1:rows(dep_count)) {
      if (dep_prior[k] == 1) {
        dep[k] = dep_low[k] + (dep_high[k] - dep_low[k]) * dep_unit[iu];
        iu += 1;
      } else if (dep_prior[k] == 2) {
        dep[k] = dep_ln[il];
        il += 1;
      } else if (dep_prior[k] == 3) {
        dep[k] = dep_sh[ib];
        ib += 1;
      }
    }
    return dep;
  }

  // log m at every point of a force with groups: each point's C, N, D are
  // its groups' sums at its boundary; log only where the value is positive
  // (a departure of a count can empty a group, so positivity is not known
  // in advance there).
  vector ph_log_m_force(matrix st, real lkappa, real lwounded, int[] kind, int[] measure,
                        int[] first, int[] npt, int[] b_t, int[] b_t0, matrix mask,
                        vector lwidth, int G) {
    int R = size(kind);
    int P = size(b_t);
    vector[P] lm;
    for (r in 1:R) {
      for (d in first[r]:(first[r] + npt[r] - 1)) {
        row_vector[G] w = mask[d];
        real C = w * st[b_t[d], 1:G]';
        real N = w * st[b_t[d], (G + 1):(2 * G)]';
        real D = w * st[b_t[d], (2 * G + 1):(3 * G)]';
        real v;
        if (measure[r] > 0)
          v = C - w * st[b_t0[d], 1:G]';
        else if (kind[r] <= 3 || kind[r] == 5)
          v = C;
        else if (kind[r] == 6)
          v = N;
        else
          v = D;
        if (!(v > 0) || (kind[r] == 5 && !(D > 0))) {
          lm[d] = negative_infinity();
        } else {
          lm[d] = log(v);
          if (measure[r] > 0)
            lm[d] -= lwidth[r];
          if (kind[r] == 2)
            lm[d] += lkappa;
          else if (kind[r] == 3)
            lm[d] += lwounded;
          else if (kind[r] == 5)
            lm[d] -= log(D);
        }
      }
    }
    return lm;
  }

  // The biases' levels of section 3.5: [mu_s; sqrt(v_s)] for s = 1..NB;
  // lc is a point figure's log or a range's centre, ls a range's w^2 / 12,
  // sig each report's sigma (its class's sigma_s with noise = per_class).
  vector ph_level(vector lm, vector sig, vector tau, int[] bias, int[] pooled,
                  int[] lfirst, int[] first, int[] npt, vector lc, vector ls) {
    int NB = rows(tau);
    vector[NB] lam = inv(square(tau));
    vector[NB] msum = rep_vector(0, NB);
    for (r in 1:size(bias)) {
      if (pooled[r] == 1) {
        int n = npt[r] - lfirst[r] + 1;
        vector[n] x = segment(lm, first[r] + lfirst[r] - 1, n);
        real a = mean(x);
        real p = inv(square(sig[r]) + dot_self(x - a) / n + ls[r]);
        lam[bias[r]] += p;
        msum[bias[r]] += p * (lc[r] - a);
      }
    }
    return append_row(msum ./ lam, inv_sqrt(lam));
  }
}
data {
  int<lower=1> K;                   // phases, in date order
  vector[K] ph_start;               // day numbers
  vector[K] ph_end;                 // 1e300 for the open-ended last phase
  int<lower=0, upper=1> ph_fixed[K];
  vector<lower=0>[K] ph_hazard;     // fixed phases: the hazard
  vector[K] ph_mu;                  // free phases: log-normal prior of h
  vector<lower=0>[K] ph_sd;
  int<lower=1> J;                   // arrivals, in date order
  vector[J] arr_time;
  int<lower=0, upper=2> arr_prior[J]; // 0 fixed, 1 uniform, 2 log-normal
  vector[J] arr_count;
  vector[J] arr_low;
  vector[J] arr_high;
  vector[J] arr_mu;
  vector<lower=0>[J] arr_sd;
  real<lower=0> kappa_a;
  real<lower=0> kappa_b;
  real<lower=0> sigma_median;
  real<lower=0> sigma_log_sd;
  int<lower=0> NB;                  // estimated biases, in theta's order
  vector<lower=0>[NB] tau;
  int<lower=1> T;                   // distinct evaluation times
  vector[T] times;
  int<lower=1> R;                   // used reports
  int<lower=1, upper=7> kind[R];
  int<lower=0, upper=2> measure[R]; // 0 each day, 1 over the period, 2 per day of it
  int<lower=1, upper=4> qual[R];
  vector[R] ly;                     // log figure (point and one-sided)
  vector[R] llo;                    // log bounds (range)
  vector[R] lhi;
  int<lower=0, upper=NB> bias[R];   // 0: pinned or absent
  int<lower=1> first[R];            // its first point
  int<lower=1> npt[R];              // its number of points (days)
  int<lower=1> P;
  int<lower=1, upper=T> pt_t[P];    // the point's time (24:00 of its day; rates: the end)
  int<lower=0, upper=T> pt_t0[P];   // rates: the start time (00:00 of the first day)
  int<lower=0, upper=1> use_xi;
  // A force with groups, departures or returns (use_force = 1; else the
  // rest is empty and unused).
  int<lower=0, upper=1> use_force;
  int<lower=1> G;                   // groups
  vector<lower=0>[G] grp_ratio;     // fixed ratios (1 for the reference group)
  int<lower=0> NR;                  // groups with a log-normal ratio
  int<lower=1, upper=G> r_group[NR];
  vector[NR] r_mu;
  vector<lower=0>[NR] r_sd;
  int<lower=1, upper=G> arr_group[J];
  int<lower=0> ND;                  // departures, in date order
  int<lower=0, upper=3> dep_prior[ND]; // 0 fixed, 1 uniform, 2 log-normal, 3 beta share
  int<lower=0, upper=1> dep_share[ND];
  int<lower=1, upper=G> dep_group[ND];
  vector[ND] dep_time;
  vector[ND] dep_count;             // fixed: the count or the share
  vector[ND] dep_low;
  vector[ND] dep_high;
  vector[ND] dep_mu;
  vector<lower=0>[ND] dep_sd;
  vector<lower=0>[ND] dep_a;
  vector<lower=0>[ND] dep_b;
  int<lower=0> delay;               // return delay, days (0: no returns)
  int<lower=0, upper=1> rho_est;
  real<lower=0, upper=1> rho_fixed;
  real<lower=0> rho_a;
  real<lower=0> rho_b;
  int<lower=0> U;                   // days stepped from day0
  real day0;
  int<lower=0> dphase[U];           // each day's phase (0 before the first)
  int<lower=0> b_t[P];              // each point's boundary (1-based)
  int<lower=0> b_t0[P];
  matrix[P, G] mask;                // each point's groups
  int<lower=0, upper=1> f_pooled[R];  // the sampler's levels, as the C side's design
  int<lower=1> f_lfirst[R];
  // Sources as they are (docs/model.md (6a), (6b); the JSON's "sources"):
  // with noise = per_class, sigma is sigma0 and report r's noise is
  // sigma0 exp(omega z_s), s = noise[r] (0: sigma itself); an undercount
  // class's loss figures carry log c_s, c_s ~ Beta(comp_a, comp_b), in
  // place of a bias (cidx[r], 0: none).  Empty without them.
  int<lower=0> NZ;
  real<lower=0> omega;
  int<lower=0, upper=NZ> noise[R];
  int<lower=0> NC;
  int<lower=0, upper=NC> cidx[R];
  vector<lower=0>[NC] comp_a;
  vector<lower=0>[NC] comp_b;
}
transformed data {
  int NH = K - sum(ph_fixed);
  int NU = 0;
  int NL = 0;
  int NDU = 0;                      // departures: uniform counts, log-normal, beta shares
  int NDL = 0;
  int NDB = 0;
  int arr_day[J];                   // 1-based day of each arrival from day0
  int dep_day[ND];
  int h_idx[NH];
  matrix[T, K] L[J];
  matrix[T, J] arrived = rep_matrix(0, T, J);
  vector[R] lwidth = rep_vector(0, R);
  int pos[P];
  int pooled[R];
  vector[R] lcentre;                // pooled: log figure, or a range's centre
  vector[R] lspread;                // pooled: a range's log width squared / 12
  int lfirst[R];
  for (k in 1:ND) {
    NDU += dep_prior[k] == 1;
    NDL += dep_prior[k] == 2;
    NDB += dep_prior[k] == 3;
  }
  arr_day = rep_array(0, J);
  dep_day = rep_array(0, ND);
  if (use_force == 1) {
    // Days as integers: Stan has no real-to-int cast, so count up.
    for (j in 1:J) {
      int u = 1;
      while (day0 + u - 1 < arr_time[j])
        u += 1;
      arr_day[j] = u;
    }
    for (k in 1:ND) {
      int u = 1;
      while (day0 + u - 1 < dep_time[k])
        u += 1;
      dep_day[k] = u;
    }
  }
  {
    int i = 1;
    for (k in 1:K)
      if (ph_fixed[k] == 0) {
        h_idx[i] = k;
        i += 1;
      }
  }
  for (j in 1:J) {
    if (arr_prior[j] == 1)
      NU += 1;
    if (arr_prior[j] == 2)
      NL += 1;
  }
  // Exposure of cohort j to phase k by time t: |[s_k, e_k) n [tau_j, t)|,
  // for a cohort arrived strictly before t (equation (1)).
  for (j in 1:J) {
    L[j] = rep_matrix(0, T, K);
    for (t in 1:T) {
      if (arr_time[j] < times[t]) {
        arrived[t, j] = 1;
        for (k in 1:K)
          L[j][t, k] = fmax(0, fmin(ph_end[k], times[t]) - fmax(ph_start[k], arr_time[j]));
      }
    }
  }
  // Points whose model quantity is positive whatever theta (as
  // post_positive in model/posterior.c): some cohort has arrived and, for
  // losses, has met a phase with combat (between the start and the end
  // over a period); and the first such point of each report.
  for (r in 1:R) {
    int losses = kind[r] <= 5;
    if (measure[r] == 2)
      lwidth[r] = log(times[pt_t[first[r]]] - times[pt_t0[first[r]]]);
    lfirst[r] = npt[r] + 1;
    for (d in first[r]:(first[r] + npt[r] - 1)) {
      int t = pt_t[d];
      pos[d] = 0;
      for (j in 1:J) {
        if (arrived[t, j] == 1) {
          if (losses == 0)
            pos[d] = 1;
          else
            for (k in 1:K) {
              real before = 0;
              if (measure[r] > 0 && arrived[pt_t0[d], j] == 1)
                before = L[j][pt_t0[d], k];
              if ((ph_fixed[k] == 0 || ph_hazard[k] > 0) && L[j][t, k] > before)
                pos[d] = 1;
            }
        }
      }
      if (pos[d] == 1 && lfirst[r] > npt[r])
        lfirst[r] = d - first[r] + 1;
    }
    pooled[r] = (qual[r] == 1 || qual[r] == 2) && bias[r] > 0 && lfirst[r] <= npt[r];
    if (use_force == 1) {
      pooled[r] = f_pooled[r];
      lfirst[r] = f_lfirst[r];
    }
    lcentre[r] = qual[r] == 2 ? (llo[r] + lhi[r]) / 2 : ly[r];
    lspread[r] = qual[r] == 2 ? square(lhi[r] - llo[r]) / 12 : 0;
  }
}
parameters {
  vector<lower=0>[NH] h;
  real<lower=0, upper=1> kappa;
  real<lower=0> sigma;
  vector[NB] bias_raw;              // b (use_xi = 0) or beta (use_xi = 1)
  vector<lower=0, upper=1>[NU] n_unit; // uniform counts: place in [low, high]
  vector<lower=0>[NL] n_ln;         // log-normal counts
  vector<lower=0>[NR] r_est;        // groups' log-normal hazard ratios
  vector<lower=0, upper=1>[NDU] dep_unit; // departures: uniform counts' place in [low, high]
  vector<lower=0>[NDL] dep_ln;      // log-normal departure counts
  vector<lower=0, upper=1>[NDB] dep_sh; // beta shares
  real<lower=0, upper=1> rho[rho_est]; // the return share, when estimated
  vector[NZ] zs;                    // noise = per_class: z_s
  vector<lower=0, upper=1>[NC] cs;  // undercount classes: c_s (Stan's logit, ours)
}
model {
  vector[K] hazard = ph_hazard;
  vector[J] count = arr_count;
  vector[P] lm;
  vector[NB] b = bias_raw;
  vector[R] sig;                    // each report's sigma (6a)
  for (r in 1:R)
    sig[r] = noise[r] > 0 ? sigma * exp(omega * zs[noise[r]]) : sigma;
  {
    int iu = 1;
    int il = 1;
    for (i in 1:NH)
      hazard[h_idx[i]] = h[i];
    for (j in 1:J) {
      if (arr_prior[j] == 1) {
        count[j] = arr_low[j] + (arr_high[j] - arr_low[j]) * n_unit[iu];
        iu += 1;
      } else if (arr_prior[j] == 2) {
        count[j] = n_ln[il];
        target += lognormal_lpdf(n_ln[il] | arr_mu[j], arr_sd[j]);
        il += 1;
      }
    }
  }
  if (use_force == 1) {
    vector[G] ratio = grp_ratio;
    vector[ND] dep = ph_dep_values(dep_count, dep_prior, dep_low, dep_high, dep_unit, dep_ln,
                                   dep_sh);
    real rr = rho_est == 1 ? rho[1] : rho_fixed;
    int il = 1;
    int ib = 1;
    // Priors of the force's parameters; a uniform count's, as an arrival's,
    // is Stan's Jacobian alone.
    for (i in 1:NR) {
      ratio[r_group[i]] = r_est[i];
      target += lognormal_lpdf(r_est[i] | r_mu[i], r_sd[i]);
    }
    for (k in 1:ND) {
      if (dep_prior[k] == 2) {
        target += lognormal_lpdf(dep_ln[il] | dep_mu[k], dep_sd[k]);
        il += 1;
      } else if (dep_prior[k] == 3) {
        target += beta_lpdf(dep_sh[ib] | dep_a[k], dep_b[k]);
        ib += 1;
      }
    }
    if (rho_est == 1)
      target += beta_lpdf(rho[1] | rho_a, rho_b);
    lm = ph_log_m_force(ph_force_state(hazard, count, ratio, dep, rr * (1 - kappa), dphase,
                                       arr_day, arr_group, dep_day, dep_group, dep_share,
                                       delay, G),
                        log(kappa), log1m(kappa), kind, measure, first, npt, b_t, b_t0, mask,
                        lwidth, G);
  } else
    lm = ph_log_m(hazard, count, log(kappa), log1m(kappa), L, arrived, kind, measure, first,
                  npt, pt_t, pt_t0, pos, lwidth);
  if (use_xi == 1 && NB > 0) {
    vector[2 * NB] lev = ph_level(lm, sig, tau, bias, pooled, lfirst, first, npt, lcentre,
                                  lspread);
    b = head(lev, NB) + tail(lev, NB) .* bias_raw;
    target += sum(log(tail(lev, NB)));  // log sqrt(v_s)
  }
  // Priors (11); the Jacobians of (12) are Stan's, a uniform count's
  // -log(H - L) and +log(H - L) cancel (so n_unit ~ Uniform(0, 1)).
  target += lognormal_lpdf(h | ph_mu[h_idx], ph_sd[h_idx]);
  target += beta_lpdf(kappa | kappa_a, kappa_b);
  target += lognormal_lpdf(sigma | log(sigma_median), sigma_log_sd);
  target += normal_lpdf(b | 0, tau);
  target += normal_lpdf(zs | 0, 1);
  target += beta_lpdf(cs | comp_a, comp_b); // with Stan's logit Jacobian: c^a (1 - c)^b / B
  // Likelihood (10): the log of the mean over a report's days; the log
  // bias is b_{s,f}, or an undercount class's log c_s (6b).
  for (r in 1:R) {
    real bb = bias[r] > 0 ? b[bias[r]] : (cidx[r] > 0 ? log(cs[cidx[r]]) : 0);
    if (npt[r] == 1) {
      target += ph_point_ll(qual[r], lm[first[r]], bb, sig[r], ly[r], llo[r], lhi[r]);
    } else {
      vector[npt[r]] ell;
      for (i in 1:npt[r])
        ell[i] = ph_point_ll(qual[r], lm[first[r] + i - 1], bb, sig[r], ly[r], llo[r], lhi[r]);
      target += log_sum_exp(ell) - log(npt[r]);
    }
  }
}
generated quantities {
  // theta's biases (b_s), whatever the coordinates sampled.
  vector[NB] b = bias_raw;
  if (use_xi == 1 && NB > 0) {
    vector[K] hazard = ph_hazard;
    vector[J] count = arr_count;
    vector[2 * NB] lev;
    vector[R] sig;
    int iu = 1;
    int il = 1;
    for (r in 1:R)
      sig[r] = noise[r] > 0 ? sigma * exp(omega * zs[noise[r]]) : sigma;
    for (i in 1:NH)
      hazard[h_idx[i]] = h[i];
    for (j in 1:J) {
      if (arr_prior[j] == 1) {
        count[j] = arr_low[j] + (arr_high[j] - arr_low[j]) * n_unit[iu];
        iu += 1;
      } else if (arr_prior[j] == 2) {
        count[j] = n_ln[il];
        il += 1;
      }
    }
    if (use_force == 1) {
      vector[G] ratio = grp_ratio;
      real rr = rho_est == 1 ? rho[1] : rho_fixed;
      for (i in 1:NR)
        ratio[r_group[i]] = r_est[i];
      lev = ph_level(ph_log_m_force(ph_force_state(hazard, count, ratio,
                                                   ph_dep_values(dep_count, dep_prior, dep_low,
                                                                 dep_high, dep_unit, dep_ln,
                                                                 dep_sh),
                                                   rr * (1 - kappa), dphase, arr_day,
                                                   arr_group, dep_day, dep_group, dep_share,
                                                   delay, G),
                                    log(kappa), log1m(kappa), kind, measure, first, npt, b_t,
                                    b_t0, mask, lwidth, G),
                     sig, tau, bias, pooled, lfirst, first, npt, lcentre, lspread);
    } else
      lev = ph_level(ph_log_m(hazard, count, log(kappa), log1m(kappa), L, arrived, kind,
                              measure, first, npt, pt_t, pt_t0, pos, lwidth),
                     sig, tau, bias, pooled, lfirst, first, npt, lcentre, lspread);
    b = head(lev, NB) + tail(lev, NB) .* bias_raw;
  }
}
