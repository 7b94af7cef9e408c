#!/bin/sh
# bootstrap.sh -- installs the Debian 12 packages attrition needs, only those
# missing.  With --ci it adds the tools .ci/run uses (clang-format, clang-tidy,
# cppcheck, clang with its libFuzzer runtime, gcovr, valgrind); with --peers
# what bench/run's Stan and Python peers need (bench/peers/install.sh says
# which package is for what).  Runs as root, or through sudo when not root.
set -eu

pkgs="build-essential cmake pkg-config libgsl-dev libcmocka-dev libinih-dev libcsv-dev nettle-dev librandom123-dev libjansson-dev libcairo2-dev fonts-dejavu-core libmpfr-dev"
for arg in "$@"; do
    case "$arg" in
    --ci) pkgs="$pkgs clang-format clang-tidy cppcheck clang libclang-rt-14-dev gcovr valgrind" ;;
    --peers) pkgs="$pkgs python3 python3-numpy python3-scipy python3-emcee r-cran-rstan r-cran-jsonlite r-cran-codetools r-cran-loo libboost-dev g++ make" ;;
    *) echo "bootstrap: unknown option $arg (expected --ci or --peers)" >&2; exit 64 ;;
    esac
done

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
echo "bootstrap: installing$missing" >&2
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
