#!/usr/bin/env bash
# Stores the sensitive values in Secret Manager and lets the service and job
# accounts read them. Values come from your shell, never from files in git:
#
#   . ~/movielens.env        # a file outside the repository (docs/DEPLOY.md)
#   bash deploy/secrets.sh
#
# A value that is not set is skipped (e.g. no Upstash): its secret is not
# created and the deploy scripts leave that variable unset. Rerun after
# rotating a value; the previous version is destroyed, because Secret Manager
# bills per active version beyond the first six and Cloud Run reads "latest".
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/config.sh

# secret id | environment variable holding the value | accounts that read it
SECRETS=(
  # Atlas connection string: the API and the pipeline both use the database.
  "${SECRET_MONGODB_URI}|MONGODB_URI|${API_SA} ${JOB_SA}"
  # Supabase's JWT secret (Settings > API > JWT Secret): verifies HS256
  # access tokens. Projects on asymmetric keys need only SUPABASE_URL.
  "${SECRET_SUPABASE_JWT_SECRET}|SUPABASE_JWT_SECRET|${API_SA}"
  # Upstash REST token: the API's shared cache and rate limiter.
  "${SECRET_UPSTASH_TOKEN}|UPSTASH_REDIS_REST_TOKEN|${API_SA}"
  # Shared with the web on Vercel (vercel.sh), which vouches with it for the
  # browser's address: e.g. `openssl rand -hex 32`.
  "${SECRET_FORWARDED_CLIENT}|FORWARDED_CLIENT_SECRET|${API_SA}"
  # TMDB (Settings > API): the job's posters step fetches poster paths with
  # either; without both it is skipped and the web shows initials.
  "${SECRET_TMDB_API_KEY}|TMDB_API_KEY|${JOB_SA}"
  "${SECRET_TMDB_READ_ACCESS_TOKEN}|TMDB_READ_ACCESS_TOKEN|${JOB_SA}"
)

for line in "${SECRETS[@]}"; do
  IFS='|' read -r id variable readers <<<"${line}"
  value="${!variable:-}"
  if [ -z "${value}" ]; then
    echo "skip ${id}: ${variable} is not set in this shell" >&2
    continue
  fi
  if ! gcloud secrets describe "${id}" --project "${PROJECT_ID}" >/dev/null 2>&1; then
    # One replica in the service's region: reads stay in-region.
    run gcloud secrets create "${id}" \
      --replication-policy user-managed \
      --locations "${REGION}" \
      --project "${PROJECT_ID}"
  fi
  # The value goes through stdin, so it never appears in the process list.
  printf '%s' "${value}" | run gcloud secrets versions add "${id}" \
    --data-file - --project "${PROJECT_ID}"
  for old in $(gcloud secrets versions list "${id}" --project "${PROJECT_ID}" \
    --filter "state=ENABLED" --sort-by "~createTime" --format "value(name)" |
    tail -n +2); do
    run gcloud secrets versions destroy "${old}" --secret "${id}" \
      --project "${PROJECT_ID}" --quiet
  done
  for reader in ${readers}; do
    run gcloud secrets add-iam-policy-binding "${id}" \
      --member "serviceAccount:${reader}" \
      --role roles/secretmanager.secretAccessor \
      --project "${PROJECT_ID}" >/dev/null
  done
done

echo "Secrets stored. Next: build the image (gcloud builds submit) and run deploy/deploy_job.sh"
