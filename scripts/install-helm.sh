#!/usr/bin/env bash
# Builds the pinned helm into .tools/helm/ from the Go module proxy (no prebuilt download can be reached
# here). Skips the build when that exact version is already there; prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
version="v3.22.0"
dir="$PWD/.tools/helm"
bin="$dir/helm"
if [ -x "$bin" ] && [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$version" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-helm: go is needed to build helm $version" >&2; exit 1; }
mkdir -p "$dir"
echo "install-helm: building helm $version into $dir (a few minutes the first time)" >&2
GOBIN="$dir" GOFLAGS=-buildvcs=false go install "helm.sh/helm/v3/cmd/helm@$version" >&2
echo "$version" >"$dir/VERSION"
echo "$bin"
