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
#   sample JSON OUT SEED CORES CHAINS WARMUP DRAWS ADAPT_DELTA MAX_DEPTH
#                              NUTS, diag_e metric, on xi (as ours); CORES 1:
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
  expect <- c(hname, "kappa", "sigma", bnames, nname)
  if (!identical(expect, pars)) stop("parameter order: expected ", paste(expect, collapse = ","))
  # Stan's order: counts uniform first, then log-normal.
  stan_order <- c(hname, "kappa", "sigma", bnames,
                  paste0("n_", vapply(ar, function(a) a$name, "")[prior == 1]),
                  paste0("n_", vapply(ar, function(a) a$name, "")[prior == 2]))
  reps <- j$reports
  R <- length(reps)
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
    use_xi = as.integer(use_xi))
  if (any(is.na(data$kind)) || any(is.na(data$qual)) || any(is.na(data$bias)) ||
      any(is.na(data$measure))) stop("bad report")
  list(data = data, theta_names = pars, stan_order = stan_order,
       perm = match(pars, stan_order), # theta[i] = upars[perm[i]]
       prior = prior, priors = j$priors, phases = ph, arrivals = ar, fixed = fixed)
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
                      dim = sum(d$arr_prior == 2)))
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
  sm <- load_model()$model
  init <- inits(sd, chains, seed)
  one <- function(c) {
    sampling(sm, data = sd$data, chains = 1, chain_id = c, seed = seed, iter = warmup + draws,
             warmup = warmup, init = list(init[[c]]), refresh = 0,
             control = list(adapt_delta = delta, max_treedepth = depth, metric = "diag_e"))
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
  # theta from the draws: log h, logit kappa, log sigma, b, count coordinates.
  ex <- extract(fit, permuted = FALSE, inc_warmup = FALSE)
  pick <- function(pat) grep(pat, dimnames(ex)[[3]])
  col_h <- pick("^h\\["); col_k <- pick("^kappa$"); col_s <- pick("^sigma$")
  col_b <- pick("^b\\["); col_u <- pick("^n_unit\\["); col_l <- pick("^n_ln\\[")
  m <- do.call(rbind, lapply(seq_len(chains), function(c) {
    x <- ex[, c, , drop = TRUE]
    if (is.null(dim(x))) x <- matrix(x, nrow = 1)
    cbind(log(x[, col_h, drop = FALSE]), qlogis(x[, col_k]), log(x[, col_s]),
          x[, col_b, drop = FALSE], qlogis(x[, col_u, drop = FALSE]), log(x[, col_l, drop = FALSE]))
  }))
  m <- m[, sd$perm, drop = FALSE]
  write_draws(out, chains, draws, m)
  sp <- get_sampler_params(fit, inc_warmup = FALSE)
  div <- sum(vapply(sp, function(s) sum(s[, "divergent__"]), 0))
  leap <- sum(vapply(get_sampler_params(fit, inc_warmup = TRUE),
                     function(s) sum(s[, "n_leapfrog__"]), 0))
  # rstan's own summary (what a user prints) and its rank-normalised ESS,
  # for the once-only cross-check against ours.
  keep <- c(col_h, col_k, col_s, col_b, col_u, col_l)
  mon <- monitor(ex[, , keep, drop = FALSE], warmup = 0, print = FALSE)
  s <- summary(fit, pars = c("h", "kappa", "sigma", "b", "n_unit", "n_ln"))$summary
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
