#!/usr/bin/env bash
# Creates or updates the Cloud Run Job that runs the pipeline (download,
# embed, load, precompute, posters) with the same image as the API. It does not run
# it: deploy/run_job.sh does.
#
#   bash deploy/deploy_job.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/config.sh

# The bucket is mounted into the job's file system (Cloud Storage FUSE):
# the embedding model is downloaded from Hugging Face once, into the bucket,
# and later runs read it from there instead of the network.
BUCKET_MOUNT="/mnt/bucket"

# Application variables (config/mod.ts; see .env.sample for each).
# CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT are set by Cloud Run itself,
# one index per task, and shard the embed step.
JOB_ENV=(
  "STORE=mongodb"
  "MONGODB_DB=${MONGODB_DB}"
  # Dataset zip cache and the serving artifact: a second run downloads
  # nothing from GroupLens, and the API reads the artifact from here.
  "GCS_BUCKET=${GCS_BUCKET}"
  "GCS_PREFIX=${GCS_PREFIX}"
  "GOOGLE_CLOUD_PROJECT=${PROJECT_ID}"
  # Extracted CSVs go to the in-memory disk (counts against JOB_MEMORY).
  "DATA_DIR=/tmp/data"
  # The model cache on the mounted bucket (see BUCKET_MOUNT).
  "MODEL_DIR=${BUCKET_MOUNT}/${GCS_PREFIX}models"
  "ALLOW_REMOTE_MODELS=true"
  "MOVIELENS_VARIANT=${MOVIELENS_VARIANT}"
  "EMBEDDER=${EMBEDDER}"
  # 64 texts per batch keeps MiniLM's peak memory low on 2 vCPUs.
  "EMBED_BATCH_SIZE=64"
  # Neighbours precomputed per movie for "similar movies" and explanations.
  "NEIGHBOURS_K=50"
  "LOG_LEVEL=info"
)

# The database, and TMDB's credentials when secrets.sh stored them: the
# posters step (last of `pipeline all`) runs only with one of them and is
# skipped, saying so, without.
JOB_SECRETS=(
  "MONGODB_URI=${SECRET_MONGODB_URI}:latest"
  "TMDB_API_KEY=${SECRET_TMDB_API_KEY}:latest"
  "TMDB_READ_ACCESS_TOKEN=${SECRET_TMDB_READ_ACCESS_TOKEN}:latest"
)

# --command/--args: the image's default command serves the API; the job runs
#   `deno task pipeline all` instead. run_job.sh overrides the args per run.
# --tasks/--parallelism: JOB_TASKS embed shards run side by side.
# --max-retries 1: a task that fails (e.g. Hugging Face hiccup) is retried
#   once; embed writes are idempotent, so a retry redoes only what is missing.
# --task-timeout 3600s: ml-32m with MiniLM on 2 vCPU takes tens of minutes.
# --execution-environment gen2: needed for the Cloud Storage volume.
run gcloud run jobs deploy "${JOB_NAME}" \
  --image "${IMAGE}" \
  --region "${REGION}" \
  --project "${PROJECT_ID}" \
  --service-account "${JOB_SA}" \
  --command deno \
  --args task,pipeline,all \
  --tasks "${JOB_TASKS}" \
  --parallelism "${JOB_TASKS}" \
  --max-retries 1 \
  --task-timeout 3600s \
  --cpu "${JOB_CPU}" \
  --memory "${JOB_MEMORY}" \
  --execution-environment gen2 \
  --add-volume "name=bucket,type=cloud-storage,bucket=${GCS_BUCKET}" \
  --add-volume-mount "volume=bucket,mount-path=${BUCKET_MOUNT}" \
  --labels app=movielens \
  --set-env-vars "$(env_flag "${JOB_ENV[@]}")" \
  --set-secrets "$(secrets_flag "${JOB_SECRETS[@]}")"

echo "Job ${JOB_NAME} deployed. Next: bash deploy/run_job.sh"
