#!/usr/bin/env bash
# Runs the pipeline job and waits for it, then creates the Atlas Vector
# Search index and rolls the API so that it loads the fresh artifact.
#
#   bash deploy/run_job.sh            # JOB_TASKS from config.sh (default 1)
#   JOB_TASKS=8 bash deploy/run_job.sh
#
# With one task, a single execution runs every step. With several, embed
# runs sharded first (each task embeds 1/JOB_TASKS of the movies and writes
# its rows idempotently), then one task loads, precomputes and fetches
# posters: those steps work on the whole catalog and must not run once per
# shard. Posters need a TMDB secret (secrets.sh); a running API serves new
# ones within POSTER_REFRESH_SECONDS, without the roll below.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/config.sh

execute() {
  run gcloud run jobs execute "${JOB_NAME}" \
    --region "${REGION}" --project "${PROJECT_ID}" --wait "$@"
}

if [ "${JOB_TASKS}" -le 1 ]; then
  execute --tasks 1 --args task,pipeline,all
else
  # download is cheap after the first run: the zip comes from the bucket.
  execute --tasks "${JOB_TASKS}" --args task,pipeline,download,embed
  # posters is skipped (and says so) unless the job has a TMDB secret.
  execute --tasks 1 --args task,pipeline,download,load,precompute,posters
fi

# Same image, other entry point: the index script reads MONGODB_URI from the
# job's secret, so no database credential is needed on this machine. It is
# idempotent; Atlas builds the index in the background.
execute --tasks 1 --args run,-A,deploy/create_vector_index.ts

# A new revision starts fresh instances, which load the new artifact. (With
# min instances 0, idle instances are gone anyway; this covers busy ones.)
if gcloud run services describe "${SERVICE_NAME}" --region "${REGION}" \
  --project "${PROJECT_ID}" >/dev/null 2>&1; then
  run gcloud run services update "${SERVICE_NAME}" \
    --region "${REGION}" --project "${PROJECT_ID}" \
    --update-labels "artifact=$(date -u +%Y%m%d-%H%M%S)"
fi
