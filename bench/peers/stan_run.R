#!/usr/bin/Rscript
# stan_run.R -- the Stan peer of `attrition fit` (bench/run), with Debian's
# rstan 2.21.  Reads the canonical JSON of `attrition export-data`,
# converts it to the data of phase_hazard.stan with jsonlite, and
#
#   compile                    compiles the model once into the cache
#                              (bench/peers/cache/ unless STAN_CACHE is set)
#                              and prints compile_seconds=X (0 when cached)
#   logp JSON POINTS XI        rstan::log_prob(fit, upars, adjust_transform =
#                              TRUE) at each row of POINTS (theta's order of
#                              docs/model.md 3.1; XI = 1: the rows are the
#                              sampler's coordinates xi of section 3.5), one
#                              %.17g per line
#   sample JSON OUT SEED CORES CHAINS WARMUP DRAWS ADAPT_DELTA MAX_DEPTH [METRIC]
#                              NUTS, diag_e metric (or METRIC: dense_e), on xi (as ours); CORES 1:
#                              chains one after another, CORES 2: chains
#                              forked two at a time (parallel::mclapply,
#                              chains 1, 3 on one core and 2, 4 on the other);
#                              writes OUT (draws, theta, model order) and
#                              prints timings, rstan's summary and ESS
#
# Draws files: a line "chains draws dim", then one line per draw (chain after
# chain) of dim values in theta's order, unconstrained.
suppressPackageStartupMessages({
  library(rstan)
  library(jsonlite)
})
rstan_options(boost_lib = "/usr/include") # Debian's BH ships no headers

args <- commandArgs(trailingOnly = TRUE)
here <- local({
  f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  dirname(normalizePath(f))
})
stan_file <- file.path(here, "phase_hazard.stan")
cache_dir <- Sys.getenv("STAN_CACHE", file.path(here, "cache"))

# CmdStan's optimisation level rather than R's -O2 (ours is built at -O3);
# the flags live in a Makevars of our own, not in ~/.R.
Sys.setenv(R_MAKEVARS_USER = file.path(here, "Makevars"))

# The compiled model, cached by the model's MD5: an rds of the stanmodel,
# whose shared object rstan keeps inside it.
load_model <- function() {
  dir.create(cache_dir, showWarnings = FALSE, recursive = TRUE)
  sums <- unname(tools::md5sum(c(stan_file, file.path(here, "Makevars"))))
  key <- substr(paste(sums, collapse = ""), 1, 16)
  rds <- file.path(cache_dir, paste0("phase_hazard-", key, ".rds"))
  if (file.exists(rds)) {
    return(list(model = readRDS(rds), seconds = 0, rds = rds))
  }
  t0 <- proc.time()[["elapsed"]]
  sm <- stan_model(stan_file, model_name = "phase_hazard", save_dso = TRUE)
  secs <- proc.time()[["elapsed"]] - t0
  saveRDS(sm, rds)
  writeLines(sprintf("%.1f", secs), sub("[.]rds$", ".seconds", rds))
  list(model = sm, seconds = secs, rds = rds)
}

nz <- function(x, d) if (is.null(x)) d else x

# The canonical JSON as phase_hazard.stan's data, and the map from Stan's
# unconstrained order to theta's.
stan_data <- function(path, use_xi) {
  j <- fromJSON(path, simplifyVector = FALSE)
  if (!identical(j$format, "attrition-fit-inputs") || !identical(j$model, "phase-hazard"))
    stop(path, ": not the canonical JSON of a phase-hazard fit")
  ph <- j$phases
  ar <- j$arrivals
  pars <- unlist(j$parameters)
  K <- length(ph)
  J <- length(ar)
  fixed <- vapply(ph, function(p) as.integer(isTRUE(p$fixed)), 0L)
  prior <- vapply(ar, function(a) match(a$prior, c("fixed", "uniform", "lognormal")) - 1L, 0L)
  if (any(is.na(prior))) stop("unknown arrival prior")
  bnames <- grep("^b_", pars, value = TRUE)
  classes <- j$classes
  tau <- vapply(bnames, function(b) {
    fam <- sub("^.*_", "", b)
    cls <- sub("^b_(.*)_[^_]+$", "\\1", b)
    k <- which(vapply(classes, function(c) c$name == cls, TRUE))
    if (length(k) != 1) stop("no class for ", b)
    classes[[k]][[paste0("tau_", fam)]]
  }, 0)
  # theta's names in order, checked against the JSON's.
  hname <- paste0("h_", vapply(ph, function(p) p$name, "")[fixed == 0])
  nname <- paste0("n_", vapply(ar, function(a) a$name, "")[prior > 0])
  fo <- j$force
  gr <- if (is.null(fo)) list() else fo$groups
  dp <- if (is.null(fo)) list() else fo$departures
  rt <- if (is.null(fo)) list(delay = 0L, fixed = TRUE, share = 0) else fo$returns
  gest <- which(vapply(gr, function(g) !isTRUE(g$fixed), TRUE))
  dprior <- vapply(dp, function(d) match(d$prior, c("fixed", "uniform", "lognormal", "beta")) - 1L,
                   0L)
  dname <- vapply(dp, function(d) paste0("dep_", d$name), "")
  rho_est <- as.integer(rt$delay > 0 && !isTRUE(rt$fixed))
  fname <- c(paste0("r_", vapply(gr, function(g) g$name, ""))[gest], dname[dprior > 0],
             if (rho_est == 1L) "rho")
  reps <- j$reports
  R <- length(reps)
  # Sources as they are (docs/model.md (6a), (6b)): with noise = per_class,
  # sigma0 and the z_s (sigma_<class>) of each class some report carries, in
  # the classes' order; an undercount class's c_<class> in place of its
  # losses bias (among the biases, in the C side's layout).
  src <- j$sources
  per_class <- !is.null(src) && identical(src$noise, "per_class")
  sname <- if (per_class) "sigma0" else "sigma"
  used <- unique(vapply(reps, function(r) r$class, ""))
  scls <- if (is.null(src)) list() else src$classes
  scname <- vapply(scls, function(c) c$name, "")
  znames <- if (per_class) paste0("sigma_", scname[scname %in% used]) else character(0)
  cnames <- grep("^c_", pars, value = TRUE)
  ccls <- lapply(cnames, function(n) {
    k <- which(scname == sub("^c_", "", n))
    if (length(k) != 1 || !isTRUE(scls[[k]]$undercount)) stop(n, ": not an undercount class")
    scls[[k]]
  })
  blk <- grep("^[bc]_", pars, value = TRUE)
  expect <- c(hname, "kappa", sname, znames, blk, nname, fname)
  if (!identical(expect, pars)) stop("parameter order: expected ", paste(expect, collapse = ","))
  # Stan's order: counts uniform first, then log-normal; then the force's
  # ratios, departures (uniform, log-normal, beta) and rho; then z_s, c_s.
  stan_order <- c(hname, "kappa", sname, bnames,
                  paste0("n_", vapply(ar, function(a) a$name, "")[prior == 1]),
                  paste0("n_", vapply(ar, function(a) a$name, "")[prior == 2]),
                  paste0("r_", vapply(gr, function(g) g$name, ""))[gest],
                  dname[dprior == 1], dname[dprior == 2], dname[dprior == 3],
                  if (rho_est == 1L) "rho", znames, cnames)
  # A report over a period (a rate; a loss measured over a period, 1, or
  # per day of it, 2) reads its two ends; any other, each day of its window.
  measure_of <- function(r) {
    if (r$kind == "rate") return(2L)
    m <- if (is.null(r$measure)) "cumulative" else r$measure
    match(m, c("cumulative", "period", "daily")) - 1L
  }
  ends <- function(r) {
    if (r$kind == "rate") c(r$rate_from, r$rate_to)
    else if (measure_of(r) > 0L) c(r$period_from, r$period_to)
    else NULL
  }
  tt <- sort(unique(unlist(lapply(reps, function(r) {
    if (!is.null(ends(r))) ends(r) else unlist(r$times)
  }))))
  kinds <- c("casualties", "killed", "wounded", "rate", "fraction", "strength", "deployed")
  quals <- c("approx", "range", "at_least", "up_to")
  first <- integer(R); npt <- integer(R); pt_t <- integer(0); pt_t0 <- integer(0)
  for (i in seq_len(R)) {
    r <- reps[[i]]
    first[i] <- length(pt_t) + 1L
    if (!is.null(ends(r))) {
      pt_t <- c(pt_t, match(ends(r)[2], tt))
      pt_t0 <- c(pt_t0, match(ends(r)[1], tt))
    } else {
      ti <- match(unlist(r$times), tt)
      pt_t <- c(pt_t, ti)
      pt_t0 <- c(pt_t0, integer(length(ti)))
    }
    npt[i] <- length(pt_t) - first[i] + 1L
  }
  per_report <- function(f, type) array(vapply(reps, f, type), dim = R)
  data <- list(
    K = K,
    ph_start = vapply(ph, function(p) as.numeric(p$start), 0),
    ph_end = vapply(ph, function(p) as.numeric(nz(p$end, 1e300)), 0),
    ph_fixed = fixed,
    ph_hazard = vapply(ph, function(p) as.numeric(nz(p$hazard, 0)), 0),
    ph_mu = vapply(ph, function(p) as.numeric(nz(p$log_hazard_mean, 0)), 0),
    ph_sd = vapply(ph, function(p) as.numeric(nz(p$log_hazard_sd, 1)), 0),
    J = J,
    arr_time = vapply(ar, function(a) as.numeric(a$time), 0),
    arr_prior = prior,
    arr_count = vapply(ar, function(a) as.numeric(nz(a$count, 0)), 0),
    arr_low = vapply(ar, function(a) as.numeric(nz(a$low, 0)), 0),
    arr_high = vapply(ar, function(a) as.numeric(nz(a$high, 1)), 0),
    arr_mu = vapply(ar, function(a) as.numeric(nz(a$log_mean, 0)), 0),
    arr_sd = vapply(ar, function(a) as.numeric(nz(a$log_sd, 1)), 0),
    kappa_a = j$priors$kappa_a, kappa_b = j$priors$kappa_b,
    sigma_median = j$priors$sigma_median, sigma_log_sd = j$priors$sigma_log_sd,
    NB = length(bnames), tau = array(unname(tau), dim = length(bnames)),
    T = length(tt), times = array(as.numeric(tt), dim = length(tt)),
    R = R,
    kind = per_report(function(r) match(r$kind, kinds), 0L),
    measure = per_report(measure_of, 0L),
    qual = per_report(function(r) match(r$qualifier, quals), 0L),
    ly = per_report(function(r) if (r$qualifier == "range") 0 else log(r$value), 0),
    llo = per_report(function(r) if (r$qualifier == "range") log(r$low) else 0, 0),
    lhi = per_report(function(r) if (r$qualifier == "range") log(r$high) else 0, 0),
    bias = per_report(function(r) if (is.null(r$bias)) 0L else match(r$bias, bnames), 0L),
    first = array(first, dim = R), npt = array(npt, dim = R),
    P = length(pt_t), pt_t = array(pt_t, dim = length(pt_t)),
    pt_t0 = array(pt_t0, dim = length(pt_t)),
    use_xi = as.integer(use_xi),
    NZ = length(znames), omega = if (per_class) as.numeric(src$sigma_spread) else 0,
    noise = per_report(function(r) if (is.null(r$noise)) 0L else match(r$noise, znames), 0L),
    NC = length(cnames),
    cidx = per_report(function(r) if (is.null(r$completeness)) 0L
                       else match(r$completeness, cnames), 0L),
    comp_a = array(vapply(ccls, function(c) as.numeric(c$completeness_a), 0),
                    dim = length(cnames)),
    comp_b = array(vapply(ccls, function(c) as.numeric(c$completeness_b), 0),
                    dim = length(cnames)))
  if (any(is.na(data$kind)) || any(is.na(data$qual)) || any(is.na(data$bias)) ||
      any(is.na(data$measure)) || any(is.na(data$noise)) || any(is.na(data$cidx)) ||
      (per_class && any(data$noise == 0L))) stop("bad report")
  data <- c(data, force_data(fo, gr, dp, rt, gest, dprior, rho_est, ph, ar, reps, tt, pt_t,
                             pt_t0, first, npt, data))
  list(data = data, theta_names = pars, stan_order = stan_order,
       perm = match(pars, stan_order), # theta[i] = upars[perm[i]]
       prior = prior, priors = j$priors, phases = ph, arrivals = ar, fixed = fixed)
}

# The force's data (docs/model.md 1.5) for phase_hazard.stan: groups,
# departures, returns, the days stepped, each point's boundary and groups,
# and the sampler's levels as the C side's design sets them (a point is
# positive for certain where an arrival of its groups is there and, for
# losses, has had a day of combat before any departure of a count could
# empty its group).  Empty for a first-version model.
force_data <- function(fo, gr, dp, rt, gest, dprior, rho_est, ph, ar, reps, tt, pt_t, pt_t0,
                       first, npt, data) {
  P <- length(pt_t); R <- length(reps); J <- length(ar)
  G <- max(1L, length(gr)); ND <- length(dp)
  num <- function(x, d) as.numeric(nz(x, d))
  out <- list(use_force = as.integer(!is.null(fo)), G = G,
              grp_ratio = array(if (length(gr)) vapply(gr, function(g) num(g$ratio, 1), 0) else 1,
                                dim = G),
              NR = length(gest), r_group = array(gest, dim = length(gest)),
              r_mu = array(vapply(gr[gest], function(g) num(g$log_ratio_mean, 0), 0),
                           dim = length(gest)),
              r_sd = array(vapply(gr[gest], function(g) num(g$log_ratio_sd, 1), 0),
                           dim = length(gest)),
              arr_group = array(vapply(ar, function(a) as.integer(nz(a$group, 0L)) + 1L, 0L),
                                dim = J),
              ND = ND, dep_prior = array(dprior, dim = ND),
              dep_share = array(vapply(dp, function(d) as.integer(isTRUE(d$by_share)), 0L),
                                dim = ND),
              dep_group = array(vapply(dp, function(d) as.integer(d$group) + 1L, 0L), dim = ND),
              dep_time = array(vapply(dp, function(d) num(d$time, 0), 0), dim = ND),
              dep_count = array(vapply(dp, function(d) num(d$count, 0), 0), dim = ND),
              dep_low = array(vapply(dp, function(d) num(d$low, 0), 0), dim = ND),
              dep_high = array(vapply(dp, function(d) num(d$high, 1), 0), dim = ND),
              dep_mu = array(vapply(dp, function(d) num(d$log_mean, 0), 0), dim = ND),
              dep_sd = array(vapply(dp, function(d) num(d$log_sd, 1), 0), dim = ND),
              dep_a = array(vapply(dp, function(d) num(d$share_a, 1), 0), dim = ND),
              dep_b = array(vapply(dp, function(d) num(d$share_b, 1), 0), dim = ND),
              delay = as.integer(rt$delay), rho_est = rho_est,
              rho_fixed = if (rho_est == 0L && rt$delay > 0) num(rt$share, 0) else 0,
              rho_a = num(rt$share_a, 1), rho_b = num(rt$share_b, 1))
  if (is.null(fo)) {
    return(c(out, list(U = 0L, day0 = 0, dphase = integer(0), b_t = array(0L, dim = P),
                       b_t0 = array(0L, dim = P), mask = matrix(0, P, 1),
                       f_pooled = array(0L, dim = R), f_lfirst = array(1L, dim = R))))
  }
  arr_t <- data$arr_time
  day0 <- min(arr_t)
  U <- max(0L, as.integer(max(tt) - day0))
  dphase <- vapply(seq_len(U), function(u) {
    day <- day0 + u - 1
    k <- which(data$ph_start <= day & day < data$ph_end)
    if (length(k)) k[1] else 0L
  }, 0L)
  bnd <- function(t) as.integer(max(t - day0, 0)) + 1L
  pt_r <- rep(seq_len(R), npt)
  mask <- matrix(0, P, G)
  for (d in seq_len(P)) mask[d, unlist(reps[[pt_r[d]]]$groups) + 1L] <- 1
  combat <- data$ph_fixed == 0 | data$ph_hazard > 0
  pos <- logical(P)
  for (d in seq_len(P)) {
    r <- pt_r[d]; k <- data$kind[r]; t <- tt[pt_t[d]]
    t0 <- if (data$measure[r] > 0) tt[pt_t0[d]] else 0
    for (j in seq_len(J)) {
      g <- out$arr_group[j]
      if (mask[d, g] == 0 || !(arr_t[j] < t)) next
      if (k == 7) { pos[d] <- TRUE; break }
      until <- t
      for (q in seq_len(ND)) {
        if (out$dep_time[q] < t && out$dep_group[q] == g && out$dep_share[q] == 0) {
          until <- out$dep_time[q]; break
        }
      }
      if (k == 6) {
        if (until == t) { pos[d] <- TRUE; break }
        next
      }
      lo <- pmax(data$ph_start, max(arr_t[j], t0)); hi <- pmin(data$ph_end, until)
      if (any(hi - lo > 0 & combat)) { pos[d] <- TRUE; break }
    }
  }
  lfirst <- integer(R); pooled <- integer(R)
  for (r in seq_len(R)) {
    seg <- pos[first[r]:(first[r] + npt[r] - 1)]
    lfirst[r] <- if (any(seg)) which(seg)[1] else npt[r] + 1L
    pooled[r] <- as.integer(data$qual[r] %in% c(1, 2) && data$bias[r] > 0 && any(seg) &&
                              all(seg[lfirst[r]:npt[r]]))
  }
  c(out, list(U = U, day0 = day0, dphase = array(as.integer(dphase), dim = U),
              b_t = array(vapply(pt_t, function(i) bnd(tt[i]), 0L), dim = P),
              b_t0 = array(vapply(seq_len(P), function(d)
                if (pt_t0[d] > 0) bnd(tt[pt_t0[d]]) else 1L, 0L), dim = P),
              mask = mask, f_pooled = array(pooled, dim = R), f_lfirst = array(lfirst, dim = R)))
}

# The prior centre plus Uniform(-2, 2) per unconstrained coordinate, as
# attrition's chains start (docs/model.md 5.3), in Stan's constrained terms.
inits <- function(sd, chains, seed) {
  set.seed(seed)
  d <- sd$data
  NH <- sum(d$ph_fixed == 0)
  lapply(seq_len(chains), function(c) {
    u <- function(n) runif(n, -2, 2)
    list(h = array(exp(d$ph_mu[d$ph_fixed == 0] + u(NH)), dim = NH),
         kappa = plogis(log(d$kappa_a / d$kappa_b) + u(1)),
         sigma = exp(log(d$sigma_median) + u(1)),
         bias_raw = array(u(d$NB), dim = d$NB),
         n_unit = array(plogis(u(sum(d$arr_prior == 1))), dim = sum(d$arr_prior == 1)),
         n_ln = array(exp(d$arr_mu[d$arr_prior == 2] + u(sum(d$arr_prior == 2))),
                      dim = sum(d$arr_prior == 2)),
         r_est = array(exp(d$r_mu + u(d$NR)), dim = d$NR),
         dep_unit = array(plogis(u(sum(d$dep_prior == 1))), dim = sum(d$dep_prior == 1)),
         dep_ln = array(exp(d$dep_mu[d$dep_prior == 2] + u(sum(d$dep_prior == 2))),
                        dim = sum(d$dep_prior == 2)),
         dep_sh = array(plogis(log(d$dep_a[d$dep_prior == 3] / d$dep_b[d$dep_prior == 3]) +
                               u(sum(d$dep_prior == 3))), dim = sum(d$dep_prior == 3)),
         rho = array(plogis(log(d$rho_a / d$rho_b) + u(d$rho_est)), dim = d$rho_est),
         zs = array(u(d$NZ), dim = d$NZ),
         cs = array(plogis(log(d$comp_a / d$comp_b) + u(d$NC)), dim = d$NC))
  })
}

read_draws <- function(path) {
  x <- scan(path, quiet = TRUE)
  dims <- x[1:3]
  matrix(x[-(1:3)], ncol = dims[3], byrow = TRUE)
}

write_draws <- function(path, chains, draws, m) {
  con <- file(path, "w")
  writeLines(sprintf("%d %d %d", chains, draws, ncol(m)), con)
  writeLines(apply(m, 1, function(r) paste(sprintf("%.17g", r), collapse = " ")), con)
  close(con)
}

cmd <- if (length(args)) args[1] else ""
if (cmd == "compile") {
  m <- load_model()
  f <- sub("[.]rds$", ".seconds", m$rds)
  cat(sprintf("compile_seconds=%.1f\n", m$seconds))
  cat(sprintf("compile_seconds_recorded=%s\n", if (file.exists(f)) readLines(f)[1] else "unknown"))
  cat(sprintf("cache=%s\n", m$rds))
} else if (cmd == "logp") {
  use_xi <- as.integer(args[4])
  sd <- stan_data(args[2], use_xi)
  sm <- load_model()$model
  # A stanfit holding the model instance: one fixed-parameter iteration.
  fit <- suppressWarnings(sampling(sm, data = sd$data, chains = 1, iter = 1,
                                   algorithm = "Fixed_param", init = inits(sd, 1, 1),
                                   refresh = 0, seed = 1))
  th <- read_draws(args[3])
  stopifnot(ncol(th) == get_num_upars(fit))
  for (i in seq_len(nrow(th))) {
    up <- numeric(ncol(th))
    up[sd$perm] <- th[i, ]
    cat(sprintf("%.17g\n", log_prob(fit, up, adjust_transform = TRUE, gradient = FALSE)))
  }
} else if (cmd == "sample") {
  t_all <- proc.time()[["elapsed"]]
  sd <- stan_data(args[2], 1L)
  out <- args[3]
  seed <- as.integer(args[4]); cores <- as.integer(args[5]); chains <- as.integer(args[6])
  warmup <- as.integer(args[7]); draws <- as.integer(args[8])
  delta <- as.numeric(args[9]); depth <- as.integer(args[10])
  metric <- if (length(args) >= 11) args[11] else "diag_e"
  sm <- load_model()$model
  init <- inits(sd, chains, seed)
  one <- function(c) {
    sampling(sm, data = sd$data, chains = 1, chain_id = c, seed = seed, iter = warmup + draws,
             warmup = warmup, init = list(init[[c]]), refresh = 0,
             control = list(adapt_delta = delta, max_treedepth = depth, metric = metric))
  }
  fits <- if (cores > 1) {
    parallel::mclapply(seq_len(chains), one, mc.cores = cores, mc.preschedule = TRUE)
  } else lapply(seq_len(chains), one)
  fit <- sflist2stanfit(fits)
  el <- get_elapsed_time(fit) # warm-up and sampling seconds per chain
  chain_s <- rowSums(el)
  # Wall clock of the sampler: with CORES forks, chain c runs on fork
  # (c - 1) mod CORES (mclapply's prescheduling), one chain after another.
  per_core <- tapply(chain_s, (seq_len(chains) - 1) %% cores, sum)
  sampler_s <- max(per_core)
  # theta from the draws: log h, logit kappa, log sigma, b, count coordinates,
  # the force's, z_s and logit c_s.
  ex <- extract(fit, permuted = FALSE, inc_warmup = FALSE)
  pick <- function(pat) grep(pat, dimnames(ex)[[3]])
  col_h <- pick("^h\\["); col_k <- pick("^kappa$"); col_s <- pick("^sigma$")
  col_b <- pick("^b\\["); col_u <- pick("^n_unit\\["); col_l <- pick("^n_ln\\[")
  col_r <- pick("^r_est\\["); col_du <- pick("^dep_unit\\["); col_dl <- pick("^dep_ln\\[")
  col_ds <- pick("^dep_sh\\["); col_rho <- pick("^rho\\[")
  col_z <- pick("^zs\\["); col_c <- pick("^cs\\[")
  m <- do.call(rbind, lapply(seq_len(chains), function(c) {
    x <- ex[, c, , drop = TRUE]
    if (is.null(dim(x))) x <- matrix(x, nrow = 1)
    cbind(log(x[, col_h, drop = FALSE]), qlogis(x[, col_k]), log(x[, col_s]),
          x[, col_b, drop = FALSE], qlogis(x[, col_u, drop = FALSE]), log(x[, col_l, drop = FALSE]),
          log(x[, col_r, drop = FALSE]), qlogis(x[, col_du, drop = FALSE]),
          log(x[, col_dl, drop = FALSE]), qlogis(x[, col_ds, drop = FALSE]),
          qlogis(x[, col_rho, drop = FALSE]), x[, col_z, drop = FALSE],
          qlogis(x[, col_c, drop = FALSE]))
  }))
  m <- m[, sd$perm, drop = FALSE]
  write_draws(out, chains, draws, m)
  sp <- get_sampler_params(fit, inc_warmup = FALSE)
  div <- sum(vapply(sp, function(s) sum(s[, "divergent__"]), 0))
  leap <- sum(vapply(get_sampler_params(fit, inc_warmup = TRUE),
                     function(s) sum(s[, "n_leapfrog__"]), 0))
  # rstan's own summary (what a user prints) and its rank-normalised ESS,
  # for the once-only cross-check against ours.
  keep <- c(col_h, col_k, col_s, col_b, col_u, col_l, col_r, col_du, col_dl, col_ds, col_rho,
            col_z, col_c)
  mon <- monitor(ex[, , keep, drop = FALSE], warmup = 0, print = FALSE)
  s <- summary(fit)$summary[dimnames(ex)[[3]][keep], , drop = FALSE]
  cat(sprintf("stan_chain_seconds=%s\n", paste(sprintf("%.4f", chain_s), collapse = ",")))
  cat(sprintf("stan_warmup_seconds=%s\n", paste(sprintf("%.4f", el[, 1]), collapse = ",")))
  cat(sprintf("stan_sampler_seconds=%.4f\n", sampler_s))
  cat(sprintf("stan_chain_cpu_seconds=%.4f\n", sum(chain_s)))
  cat(sprintf("stan_divergent=%d\nstan_leapfrogs=%d\n", div, leap))
  step <- vapply(sp, function(s) s[1, "stepsize__"], 0)
  cat(sprintf("stan_stepsize=%s\n", paste(sprintf("%.4g", step), collapse = ",")))
  names_t <- sd$stan_order[seq_along(keep)]
  for (i in seq_along(keep)) {
    cat(sprintf("stan_ess %s bulk=%.1f tail=%.1f n_eff=%.1f rhat=%.5f\n", names_t[i],
                mon[i, "Bulk_ESS"], mon[i, "Tail_ESS"], s[i, "n_eff"], s[i, "Rhat"]))
  }
  cat(sprintf("stan_total_seconds=%.3f\n", proc.time()[["elapsed"]] - t_all))
} else {
  cat("usage: stan_run.R compile | logp JSON POINTS XI | sample JSON OUT SEED CORES CHAINS",
      "WARMUP DRAWS ADAPT_DELTA MAX_DEPTH\n", file = stderr())
  quit(status = 64)
}
