// phase_hazard.stan -- the phase-hazard model of MODEL.md, as docs/model.md
// states it, for Debian's rstan 2.21 (old array syntax).  The peer of
// `attrition fit` in bench/run; data from the canonical JSON of
// `attrition export-data`, converted by stan_run.R.
//
// The unconstrained coordinates are ours (docs/model.md, section 3.1):
// log h (Stan's <lower=0>), logit kappa (<lower=0, upper=1>), log sigma
// (<lower=0>), the biases as they are, and the arrival counts: logit of the
// place in [low, high] for a uniform count (<lower=0, upper=1>), log for a
// log-normal one (<lower=0>).  Stan adds the log-Jacobians of those
// transforms itself; every density is written with `target +=` and its
// _lpdf, so that the constants are kept and rstan::log_prob(fit, upars,
// adjust_transform = TRUE) is equation (13) of docs/model.md.
//
// With use_xi = 1 the biases are sampled in the coordinates of section 3.5
// (xi), as attrition's NUTS samples them: bias_raw is beta_s and
//   b_s = mu_s + sqrt(v_s) beta_s,  log p(xi) = (13) + sum_s log sqrt(v_s);
// with use_xi = 0, bias_raw is b_s itself (theta).  The order of Stan's
// unconstrained vector is the order of the parameters block: hazards,
// kappa, sigma, biases, uniform counts, then log-normal counts.
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

  // The biases' levels of section 3.5: [mu_s; sqrt(v_s)] for s = 1..NB;
  // lc is a point figure's log or a range's centre, ls a range's w^2 / 12.
  vector ph_level(vector lm, real sigma, vector tau, int[] bias, int[] pooled,
                  int[] lfirst, int[] first, int[] npt, vector lc, vector ls) {
    int NB = rows(tau);
    vector[NB] lam = inv(square(tau));
    vector[NB] msum = rep_vector(0, NB);
    for (r in 1:size(bias)) {
      if (pooled[r] == 1) {
        int n = npt[r] - lfirst[r] + 1;
        vector[n] x = segment(lm, first[r] + lfirst[r] - 1, n);
        real a = mean(x);
        real p = inv(square(sigma) + dot_self(x - a) / n + ls[r]);
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
}
transformed data {
  int NH = K - sum(ph_fixed);
  int NU = 0;
  int NL = 0;
  int h_idx[NH];
  matrix[T, K] L[J];
  matrix[T, J] arrived = rep_matrix(0, T, J);
  vector[R] lwidth = rep_vector(0, R);
  int pos[P];
  int pooled[R];
  vector[R] lcentre;                // pooled: log figure, or a range's centre
  vector[R] lspread;                // pooled: a range's log width squared / 12
  int lfirst[R];
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
}
model {
  vector[K] hazard = ph_hazard;
  vector[J] count = arr_count;
  vector[P] lm;
  vector[NB] b = bias_raw;
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
  lm = ph_log_m(hazard, count, log(kappa), log1m(kappa), L, arrived, kind, measure, first,
                npt, pt_t, pt_t0, pos, lwidth);
  if (use_xi == 1 && NB > 0) {
    vector[2 * NB] lev = ph_level(lm, sigma, tau, bias, pooled, lfirst, first, npt, lcentre,
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
  // Likelihood (10): the log of the mean over a report's days.
  for (r in 1:R) {
    real bb = bias[r] > 0 ? b[bias[r]] : 0;
    if (npt[r] == 1) {
      target += ph_point_ll(qual[r], lm[first[r]], bb, sigma, ly[r], llo[r], lhi[r]);
    } else {
      vector[npt[r]] ell;
      for (i in 1:npt[r])
        ell[i] = ph_point_ll(qual[r], lm[first[r] + i - 1], bb, sigma, ly[r], llo[r], lhi[r]);
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
        il += 1;
      }
    }
    lev = ph_level(ph_log_m(hazard, count, log(kappa), log1m(kappa), L, arrived, kind,
                            measure, first, npt, pt_t, pt_t0, pos, lwidth),
                   sigma, tau, bias, pooled, lfirst, first, npt, lcentre, lspread);
    b = head(lev, NB) + tail(lev, NB) .* bias_raw;
  }
}
