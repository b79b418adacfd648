#!/usr/bin/env bash
# Creates or updates the Cloud Run service that serves the API, with every
# setting spelled out. Cloud Build later only swaps the image (cloudbuild.yaml),
# so rerun this script when a setting below changes.
#
#   . ~/movielens.env        # SUPABASE_URL, UPSTASH_REDIS_REST_URL, WEB_ORIGIN, ...
#   bash deploy/deploy_service.sh
#
# Every run sets the whole environment from this shell, so load the same
# settings each time; the script refuses to run when a secret exists whose
# paired value (UPSTASH_REDIS_REST_URL, SUPABASE_URL) is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/config.sh

# This script sets the service's whole environment from this shell: a value
# left empty here is removed from the service. Refuse to deploy when that
# would pair a secret with a missing value (every instance would then exit
# on config validation, or stop checking tokens' issuer), before touching
# anything.
missing=()
require_with_secret() {
  local variable="$1" secret="$2"
  if [ -z "${!variable:-}" ] &&
    gcloud secrets describe "${secret}" --project "${PROJECT_ID}" >/dev/null 2>&1; then
    missing+=("${variable} (secret ${secret} exists)")
  fi
}
require_with_secret UPSTASH_REDIS_REST_URL "${SECRET_UPSTASH_TOKEN}"
require_with_secret SUPABASE_URL "${SECRET_SUPABASE_JWT_SECRET}"
if [ "${#missing[@]}" -gt 0 ]; then
  {
    echo "Not deploying: these values are empty in this shell but their secrets exist:"
    printf '  - %s\n' "${missing[@]}"
    echo "Load your settings first (e.g. '. ~/movielens.env', docs/DEPLOY.md) and rerun."
  } >&2
  exit 1
fi

# Supabase signs access tokens with this issuer; the API checks it.
SUPABASE_JWT_ISSUER=""
if [ -n "${SUPABASE_URL}" ]; then SUPABASE_JWT_ISSUER="${SUPABASE_URL%/}/auth/v1"; fi

# Application variables (config/mod.ts; see .env.sample for each).
SERVICE_ENV=(
  # Atlas through the MongoDB adapter (MONGODB_URI comes from a secret).
  "STORE=mongodb"
  "MONGODB_DB=${MONGODB_DB}"
  # The serving artifact lives in the bucket: one read at start.
  "GCS_BUCKET=${GCS_BUCKET}"
  "GCS_PREFIX=${GCS_PREFIX}"
  # The GCS client's project (it would otherwise ask the metadata server).
  "GOOGLE_CLOUD_PROJECT=${PROJECT_ID}"
  # Cloud Run's only writable disk is in memory; nothing big goes there.
  "DATA_DIR=/tmp/data"
  # Which embedding model's artifact to serve: the one the job built.
  "EMBEDDER=${EMBEDDER}"
  "RECOMMENDER=hybrid"
  # Supabase verifies users (local sign-up is then refused), and only
  # tokens its project issued.
  "SUPABASE_URL=${SUPABASE_URL}"
  "SUPABASE_JWT_ISSUER=${SUPABASE_JWT_ISSUER}"
  # Shared cache and rate limits across instances (token is a secret).
  "UPSTASH_REDIS_REST_URL=${UPSTASH_REDIS_REST_URL}"
  "CACHE_TTL_SECONDS=300"
  "RATE_LIMIT_PER_MINUTE=60"
  # Cloud Run's front end appends the caller's address to X-Forwarded-For:
  # per-client limits count that entry, never what the caller wrote.
  "TRUSTED_PROXY_COUNT=1"
  # Only the Vercel site may call the API from a browser.
  "CORS_ORIGINS=${WEB_ORIGIN}"
  # Cloud Logging keeps 50 GiB a month free; "info" stays far below.
  "LOG_LEVEL=info"
)

# Secrets, resolved by Cloud Run when an instance starts (see secrets.sh).
SERVICE_SECRETS=(
  "MONGODB_URI=${SECRET_MONGODB_URI}:latest"
  "SUPABASE_JWT_SECRET=${SECRET_SUPABASE_JWT_SECRET}:latest"
  "UPSTASH_REDIS_REST_TOKEN=${SECRET_UPSTASH_TOKEN}:latest"
  # The web's proof for the browser addresses it forwards (vercel.sh).
  "FORWARDED_CLIENT_SECRET=${SECRET_FORWARDED_CLIENT}:latest"
)

secrets="$(secrets_flag "${SERVICE_SECRETS[@]}")"
secret_args=(--clear-secrets)
if [ -n "${secrets}" ]; then secret_args=(--set-secrets "${secrets}"); fi

# --min-instances 0: no instance runs (or bills) while nobody visits; the
#   price is a cold start of a second or two on the first request.
# --max-instances 2: caps the bill and the Atlas M0 connection count
#   (500 max; each instance's driver pool opens up to 100).
# --cpu 1 / --memory 512Mi: the smallest size that holds the catalog and the
#   embedding matrix of ml-latest-small with room to spare (docs/DEPLOY.md).
# --cpu-throttling: CPU only while a request runs (request-based billing,
#   which is what the free tier's vCPU-seconds count).
# --cpu-boost: extra CPU during start-up only, to shorten cold starts.
# --concurrency 80: one instance serves many requests at once (I/O bound).
# --timeout 60s: no request should take longer; fail fast instead.
# --port 8080: Cloud Run's default; it also sets PORT, which the app reads.
# --allow-unauthenticated: the API is public; users authenticate per route
#   with Supabase tokens.
run gcloud run deploy "${SERVICE_NAME}" \
  --image "${IMAGE}" \
  --region "${REGION}" \
  --project "${PROJECT_ID}" \
  --service-account "${API_SA}" \
  --min-instances 0 \
  --max-instances 2 \
  --cpu 1 \
  --memory 512Mi \
  --cpu-throttling \
  --cpu-boost \
  --concurrency 80 \
  --timeout 60s \
  --port 8080 \
  --allow-unauthenticated \
  --labels app=movielens \
  --set-env-vars "$(env_flag "${SERVICE_ENV[@]}")" \
  "${secret_args[@]}"

url="$(gcloud run services describe "${SERVICE_NAME}" --region "${REGION}" \
  --project "${PROJECT_ID}" --format 'value(status.url)')"
echo "API: ${url}  (try ${url}/health/ready). Use it as API_URL in deploy/vercel.sh"
