#!/usr/bin/env bash
# Sets the Vercel project's environment variables and deploys the web app,
# built here with Deno into Vercel's Build Output API format (.vercel/output),
# so Vercel's build machines never need Deno.
#
#   npm i -g vercel && vercel login
#   API_URL=https://movielens-api-xxxx-uc.a.run.app \
#   SUPABASE_URL=https://<ref>.supabase.co SUPABASE_ANON_KEY=<anon key> \
#   FORWARDED_CLIENT_SECRET=<the value stored by secrets.sh> \
#   bash deploy/vercel.sh
#
# Project settings (Vercel dashboard > Settings), which --prebuilt makes moot
# but which keep a Git-triggered build from doing the wrong thing:
#   Framework Preset: Other     (nothing to detect; the output is prebuilt)
#   Build Command:    (empty)   (the build runs here: deno task build:vercel)
#   Root Directory:   (repo root)
set -euo pipefail
cd "$(dirname "$0")/.."

# Name of the Vercel project; `vercel link` creates it on first run.
VERCEL_PROJECT="${VERCEL_PROJECT:-movielens}"

# Application variables of the web app (config/mod.ts; see .env.sample).
VERCEL_ENV=(
  # Where the pages fetch data: the Cloud Run service URL
  # (printed by deploy_service.sh).
  "API_URL=${API_URL:-}"
  # Supabase sign-in in the browser: the project URL and its public anon
  # key (Supabase > Settings > API). The anon key is meant to be public;
  # row-level security, not secrecy, protects the data.
  "SUPABASE_URL=${SUPABASE_URL:-}"
  "SUPABASE_ANON_KEY=${SUPABASE_ANON_KEY:-}"
  "LOG_LEVEL=info"
  # Vercel's proxy sets X-Forwarded-For to the browser's address (it drops
  # what the browser sent); the web forwards that address to the API with
  # FORWARDED_CLIENT_SECRET (the API's Secret Manager value, secrets.sh), so
  # the API's per-client limits count browsers, not Vercel. Vercel keeps
  # production variables as non-readable "sensitive" values.
  "TRUSTED_PROXY_COUNT=1"
  "FORWARDED_CLIENT_SECRET=${FORWARDED_CLIENT_SECRET:-}"
)

if [ -z "${API_URL:-}" ]; then
  echo "API_URL is not set: expected the Cloud Run service URL (bash deploy/deploy_service.sh prints it)" >&2
  exit 1
fi

vercel link --yes --project "${VERCEL_PROJECT}"

# Replace each variable in the Production environment (rm fails harmlessly
# when it does not exist yet; add reads the value from stdin).
for entry in "${VERCEL_ENV[@]}"; do
  name="${entry%%=*}"
  value="${entry#*=}"
  if [ -z "${value}" ]; then
    echo "skip ${name}: empty" >&2
    continue
  fi
  vercel env rm "${name}" production --yes >/dev/null 2>&1 || true
  printf '%s' "${value}" | vercel env add "${name}" production
done

# The build reads the same variables from this shell, so build and runtime
# agree; then the prebuilt output is uploaded as the production deployment.
export API_URL SUPABASE_URL SUPABASE_ANON_KEY FORWARDED_CLIENT_SECRET
deno task build:vercel
vercel deploy --prebuilt --prod
