#!/usr/bin/env bash
# One-time setup of an empty GCP project: APIs, the image repository, the
# bucket, service accounts and their permissions. Safe to rerun: every step
# checks before it creates.
#
#   gcloud auth login && gcloud config set project <id>
#   bash deploy/setup_gcp.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/config.sh

# Run (service and job), Artifact Registry (images), Cloud Build (builds),
# Secret Manager (secrets), Cloud Storage (bucket), IAM (service accounts).
run gcloud services enable \
  run.googleapis.com \
  artifactregistry.googleapis.com \
  cloudbuild.googleapis.com \
  secretmanager.googleapis.com \
  storage.googleapis.com \
  iam.googleapis.com \
  --project "${PROJECT_ID}"

# Docker repository in the same region as Cloud Run: pulls stay in-region
# (no egress charge) and cold starts fetch the image faster.
if ! gcloud artifacts repositories describe "${AR_REPO}" \
  --location "${REGION}" --project "${PROJECT_ID}" >/dev/null 2>&1; then
  run gcloud artifacts repositories create "${AR_REPO}" \
    --repository-format docker \
    --location "${REGION}" \
    --description "MovieLens recommender images" \
    --project "${PROJECT_ID}"
fi
# Keep only the two newest images: Artifact Registry's free 0.5 GB holds
# about one image, and every build would otherwise add another.
run gcloud artifacts repositories set-cleanup-policies "${AR_REPO}" \
  --location "${REGION}" \
  --policy deploy/artifact_cleanup_policy.json \
  --no-dry-run \
  --project "${PROJECT_ID}"

# The bucket: dataset zip cache, serving artifact, model cache.
# - uniform access + public access prevention: nothing in it is public;
# - soft delete off: deleted objects would otherwise be kept (and billed)
#   for 7 days, and the pipeline overwrites its artifact on every run.
if ! gcloud storage buckets describe "gs://${GCS_BUCKET}" \
  --project "${PROJECT_ID}" >/dev/null 2>&1; then
  run gcloud storage buckets create "gs://${GCS_BUCKET}" \
    --location "${REGION}" \
    --default-storage-class STANDARD \
    --uniform-bucket-level-access \
    --public-access-prevention \
    --soft-delete-duration 0 \
    --project "${PROJECT_ID}"
fi

# One identity per workload, each with only what it needs.
ensure_service_account() {
  local email="$1" title="$2"
  if ! gcloud iam service-accounts describe "${email}" \
    --project "${PROJECT_ID}" >/dev/null 2>&1; then
    run gcloud iam service-accounts create "${email%%@*}" \
      --display-name "${title}" \
      --project "${PROJECT_ID}"
  fi
}
ensure_service_account "${API_SA}" "MovieLens API (Cloud Run service)"
ensure_service_account "${JOB_SA}" "MovieLens pipeline (Cloud Run job)"
ensure_service_account "${BUILD_SA}" "MovieLens builds (Cloud Build)"

# The API reads the serving artifact; the job reads and writes the dataset
# cache, the model cache and the artifact.
run gcloud storage buckets add-iam-policy-binding "gs://${GCS_BUCKET}" \
  --member "serviceAccount:${API_SA}" --role roles/storage.objectViewer
run gcloud storage buckets add-iam-policy-binding "gs://${GCS_BUCKET}" \
  --member "serviceAccount:${JOB_SA}" --role roles/storage.objectUser

# Cloud Build: push to the repository, update the service and the job, act
# as their service accounts while doing so, and write build logs.
run gcloud artifacts repositories add-iam-policy-binding "${AR_REPO}" \
  --location "${REGION}" \
  --member "serviceAccount:${BUILD_SA}" --role roles/artifactregistry.writer \
  --project "${PROJECT_ID}"
for role in roles/run.developer roles/logging.logWriter roles/storage.objectViewer; do
  run gcloud projects add-iam-policy-binding "${PROJECT_ID}" \
    --member "serviceAccount:${BUILD_SA}" --role "${role}" \
    --condition None >/dev/null
done
for sa in "${API_SA}" "${JOB_SA}"; do
  run gcloud iam service-accounts add-iam-policy-binding "${sa}" \
    --member "serviceAccount:${BUILD_SA}" --role roles/iam.serviceAccountUser \
    --project "${PROJECT_ID}" >/dev/null
done

echo "Project ${PROJECT_ID} is ready. Next: bash deploy/secrets.sh"
