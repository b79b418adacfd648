#!/bin/sh
# The scale run of docs/SCALE.md for one release shape:
#
#   deno task bench:scale SHAPE WORKDIR      (SHAPE: ml-latest-small, ml-10m, ml-25m, ml-32m)
#
# Writes the synthetic release to WORKDIR/data (kept when already there), then
# runs every pipeline step with EMBEDDER=tfidf on a fresh store in
# WORKDIR/store, each step its own process under /usr/bin/time (wall, CPU,
# peak RSS), then measures the API on that store (tools/bench/scale/api.ts).
# The pipeline runs under `nice -n 10` (the machine is shared); the API's
# one-minute measurement at normal priority, as an API runs. Output: the
# pipeline's own lines, one "TIME step=…" line per step, the store's size and
# the API's JSON, on stdout.
set -eu
shape=${1:?usage: deno task bench:scale SHAPE WORKDIR}
work=${2:?usage: deno task bench:scale SHAPE WORKDIR}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"

case "$shape" in
  ml-latest-small) users=610 ;;
  ml-10m) users=69878 ;;
  ml-25m) users=162541 ;;
  ml-32m) users=200948 ;;
  *) echo "unknown shape $shape" >&2; exit 2 ;;
esac

timed() {
  label=$1
  shift
  /usr/bin/time -f "TIME step=$label wall=%e user=%U sys=%S maxrss_kb=%M" "$@"
}

if [ ! -s "$work/data/ratings.csv" ]; then
  timed synth nice -n 10 deno run -A tools/synth/main.ts --shape "$shape" \
    --out "$work/data"
fi
rm -rf "$work/store"
export DATA_DIR="$work/store" MOVIELENS_DIR="$work/data" EMBEDDER=tfidf
for step in download embed load precompute; do
  timed "$step" nice -n 10 deno run -A pipeline/main.ts "$step"
done
echo "STORE bytes=$(du -sb "$DATA_DIR" | cut -f1)"
deno run -A tools/bench/scale/api.ts --data-dir "$DATA_DIR" \
  --users "$users"
