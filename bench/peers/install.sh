#!/bin/sh
# install.sh -- installs what the peer benchmarks need: Debian's numpy for
# project_numpy.py (run it with /usr/bin/python3, which sees Debian's
# packages; a python3 from pyenv or a venv may not).  Only when missing;
# as root, or through sudo when not root (as scripts/bootstrap.sh).  Not
# part of the build, the tests or CI.
set -eu

pkgs="python3 python3-numpy"

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
