#!/usr/bin/env bash
# Installs what the test suite needs from Debian: redis-server (Redis store tests), chromium (dashboard
# end-to-end tests) and qemu-user (int8 models on an emulated CPU without AVX-512). Skips what is already there; needs root (as on CI) or passwordless sudo otherwise.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v qemu-x86_64 >/dev/null 2>&1 || missing+=(qemu-user)
[ ${#missing[@]} -eq 0 ] && exit 0

source "$(dirname "$0")/lib/apt-install.sh"
apt_install install-system-deps "${missing[@]}"
