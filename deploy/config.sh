# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are used by the scripts sourcing this
# Shared settings of every deploy script, sourced (`. deploy/config.sh`).
# Each value can be overridden from the environment, e.g.
#   REGION=europe-west1 bash deploy/deploy_service.sh
# These are names of cloud resources, not application variables: the
# application's variables are listed in deploy_service.sh / deploy_job.sh /
# vercel.sh and documented in .env.sample.

# The GCP project to deploy into; defaults to gcloud's active project.
PROJECT_ID="${PROJECT_ID:-$(gcloud config get-value project 2>/dev/null)}"
if [ -z "${PROJECT_ID}" ]; then
  echo "PROJECT_ID is not set and gcloud has no active project: run 'gcloud config set project <id>'" >&2
  exit 1
fi

# us-central1: Cloud Storage's Always Free 5 GB only applies to us-central1,
# us-east1 and us-west1, and Atlas M0 and Upstash both offer GCP Iowa
# (us-central1), so the API, its database, cache and bucket sit together and
# no request crosses a region.
REGION="${REGION:-us-central1}"

# Artifact Registry Docker repository holding the one image.
AR_REPO="${AR_REPO:-movielens}"
IMAGE_NAME="${IMAGE_NAME:-movielens}"
# The tag to deploy; Cloud Build passes the commit SHA, by hand "latest".
IMAGE_TAG="${IMAGE_TAG:-latest}"
IMAGE="${REGION}-docker.pkg.dev/${PROJECT_ID}/${AR_REPO}/${IMAGE_NAME}:${IMAGE_TAG}"

# Cloud Run service (the API) and job (the pipeline).
SERVICE_NAME="${SERVICE_NAME:-movielens-api}"
JOB_NAME="${JOB_NAME:-movielens-pipeline}"

# Service accounts: the API only reads (artifacts, secrets); the job also
# writes the bucket. Separate identities keep the API from overwriting data.
API_SA="${API_SA:-movielens-api@${PROJECT_ID}.iam.gserviceaccount.com}"
JOB_SA="${JOB_SA:-movielens-pipeline@${PROJECT_ID}.iam.gserviceaccount.com}"
# Cloud Build runs as its own account with just enough rights to push the
# image and roll it out (new projects' default build account has almost none).
BUILD_SA="${BUILD_SA:-movielens-build@${PROJECT_ID}.iam.gserviceaccount.com}"

# Bucket for the dataset cache, the serving artifact and the model cache.
# Bucket names are global, so the project id makes it unique.
GCS_BUCKET="${GCS_BUCKET:-${PROJECT_ID}-movielens}"
# Folder inside the bucket (the application's GCS_PREFIX).
GCS_PREFIX="${GCS_PREFIX:-movielens/}"

# Database name inside the Atlas cluster (the application's MONGODB_DB).
MONGODB_DB="${MONGODB_DB:-movielens}"

# MovieLens variant the job loads: ml-latest-small fits every free tier;
# ml-latest / ml-32m need more job memory and a paid Atlas tier for ratings.
MOVIELENS_VARIANT="${MOVIELENS_VARIANT:-ml-latest-small}"

# Embedder the job runs and the API serves (minilm or tfidf).
EMBEDDER="${EMBEDDER:-minilm}"

# Embed shards: the job runs this many tasks in parallel, each embedding
# 1/JOB_TASKS of the catalog (CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT,
# which Cloud Run sets). One is plenty for ml-latest-small (about 10k movies);
# use 4 to 10 for ml-latest / ml-32m (about 87k movies).
JOB_TASKS="${JOB_TASKS:-1}"

# Public origin of the Vercel site, allowed by the API's CORS (comma separated).
# Empty until the first Vercel deploy; rerun deploy_service.sh once known.
WEB_ORIGIN="${WEB_ORIGIN:-}"

# Supabase project URL (public): the API fetches its JWKS to verify tokens.
SUPABASE_URL="${SUPABASE_URL:-}"

# Upstash REST URL (not a secret; its token is, see secrets.sh).
UPSTASH_REDIS_REST_URL="${UPSTASH_REDIS_REST_URL:-}"

# Secret Manager secret ids, one per sensitive value (see secrets.sh).
SECRET_MONGODB_URI="${SECRET_MONGODB_URI:-movielens-mongodb-uri}"
SECRET_SUPABASE_JWT_SECRET="${SECRET_SUPABASE_JWT_SECRET:-movielens-supabase-jwt-secret}"
SECRET_UPSTASH_TOKEN="${SECRET_UPSTASH_TOKEN:-movielens-upstash-token}"
SECRET_FORWARDED_CLIENT="${SECRET_FORWARDED_CLIENT:-movielens-forwarded-client-secret}"
# TMDB credentials of the job's posters step (either one; the token wins).
SECRET_TMDB_API_KEY="${SECRET_TMDB_API_KEY:-movielens-tmdb-api-key}"
SECRET_TMDB_READ_ACCESS_TOKEN="${SECRET_TMDB_READ_ACCESS_TOKEN:-movielens-tmdb-read-access-token}"

# Job size. The API never loads the model; the job does (onnxruntime plus
# MiniLM take about 400 MB) and extracts the dataset to its in-memory disk.
# 2 GiB suits ml-latest-small; give ml-32m 8Gi (its ratings.csv is ~900 MB).
JOB_CPU="${JOB_CPU:-2}"
JOB_MEMORY="${JOB_MEMORY:-2Gi}"

# Prints a command before running it, so a newcomer sees what happens.
run() {
  echo "+ $*" >&2
  "$@"
}

# Joins NAME=value entries into one --set-env-vars value. Entries with an
# empty value are left out (unset means the application default). "^@^"
# makes "@" the separator, so values may contain commas (CORS_ORIGINS).
env_flag() {
  local out="" entry
  for entry in "$@"; do
    if [ -n "${entry#*=}" ]; then out="${out:+${out}@}${entry}"; fi
  done
  printf '^@^%s' "${out}"
}

# Joins NAME=secret:version entries into one --set-secrets value, leaving out
# secrets that do not exist yet (say, no Upstash): the variable then stays
# unset, and config/mod.ts names it at start if the app needs it after all.
secrets_flag() {
  local out="" entry id
  for entry in "$@"; do
    id="${entry#*=}"
    id="${id%%:*}"
    if gcloud secrets describe "${id}" --project "${PROJECT_ID}" >/dev/null 2>&1; then
      out="${out:+${out},}${entry}"
    else
      echo "note: secret ${id} does not exist; ${entry%%=*} stays unset" >&2
    fi
  done
  printf '%s' "${out}"
}
