# Sourced by the install scripts: apt_install WHO PACKAGE... installs Debian packages as root, or through
# passwordless sudo, with apt-get update first (a fresh machine's package lists are empty or old).
apt_install() {
  local who="$1"
  shift
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "$who: need root to install: $*" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "$who: installing $* from Debian"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
