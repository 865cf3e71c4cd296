#!/usr/bin/env bash
# Installs what the test suite needs from Debian: redis-server (Redis store tests) and chromium (dashboard
# end-to-end tests). Skips what is already there; needs root (as on CI) or passwordless sudo otherwise.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

source "$(dirname "$0")/lib/apt-install.sh"
apt_install install-system-deps "${missing[@]}"
