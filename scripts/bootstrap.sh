#!/bin/sh
# bootstrap.sh -- installs the Debian 12 packages attrition needs, only those
# missing.  With --ci it adds the tools .ci/run uses (clang-format, clang-tidy,
# cppcheck, clang with its libFuzzer runtime, gcovr, valgrind).
# Runs as root, or through sudo when not root.
set -eu

pkgs="build-essential cmake pkg-config libgsl-dev libcmocka-dev libinih-dev libcsv-dev nettle-dev librandom123-dev libjansson-dev libcairo2-dev fonts-dejavu-core"
if [ "${1:-}" = "--ci" ]; then
    pkgs="$pkgs clang-format clang-tidy cppcheck clang libclang-rt-14-dev gcovr valgrind"
fi

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
