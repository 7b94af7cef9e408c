#!/bin/sh
# install.sh -- installs what the peer benchmarks need, from Debian, only
# when missing, through scripts/bootstrap.sh --peers (which also installs
# what the project itself needs).  Not part of the build, the tests or CI.
#
#   numpy              project_numpy.py, py_peer.py (run them with
#                      /usr/bin/python3, which sees Debian's packages; a
#                      python3 from pyenv or a venv may not)
#   scipy, emcee       py_peer.py: the mode (BFGS) and the ensemble sampler
#   rstan 2.21         stan_run.R and phase_hazard.stan; it pulls R and
#   jsonlite           StanHeaders; jsonlite reads the canonical JSON;
#   libboost-dev       Boost's headers in /usr/include (Debian's BH ships
#                      none: stan_run.R sets rstan_options(boost_lib =
#                      "/usr/include")); g++ and make compile the model
#                      once (bench/peers/cache/); codetools quietens R's
#                      checks of rstan's classes
#   r-cran-loo         loo_check.R: PSIS-LOO against R's loo
set -eu

exec sh "$(dirname "$0")/../../scripts/bootstrap.sh" --peers
