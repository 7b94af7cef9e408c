#!/bin/sh
# install.sh -- installs what the peer benchmarks need, from Debian, only
# when missing; as root, or through sudo when not root (as
# scripts/bootstrap.sh).  Not part of the build, the tests or CI.
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
set -eu

pkgs="python3 python3-numpy python3-scipy python3-emcee \
r-cran-rstan r-cran-jsonlite r-cran-codetools libboost-dev g++ make"

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
else
    as_root="sudo"
fi
echo "install.sh: installing$missing" >&2
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
