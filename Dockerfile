# One image for the API (Cloud Run service) and the pipeline (Cloud Run Job).
#
#   docker build -t movielens .
#   docker run --rm -p 8000:8000 --env-file .env movielens              # API
#   docker run --rm --env-file .env movielens deno task pipeline         # pipeline
#
# Every dependency is fetched here, at build time, from deno.lock (--frozen
# refuses a lockfile that does not match deno.json), so a container never
# downloads code when it starts. The embedding model is NOT in the image: the
# API never loads it, and the pipeline job downloads it to MODEL_DIR.

# Debian-based official image: onnxruntime-node and sharp ship glibc binaries,
# so the Alpine and distroless variants would not run the pipeline.
ARG DENO_VERSION=2.9.6
FROM denoland/deno:${DENO_VERSION}

# No update check or permission prompts in a container; the image already
# sets DENO_DIR=/deno-dir, where the module cache lives.
ENV DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    PORT=8000

WORKDIR /app
# The official image provides the unprivileged user "deno" (uid 1993). It owns
# /app and the cache because Deno writes lock and transpile caches there at
# run time; everything below runs as that user, never as root.
RUN chown deno:deno /app
USER deno

# Dependencies first: this layer is rebuilt only when deno.json, deno.lock or
# the prune script change, not on every source edit. nodeModulesDir is
# "auto", so npm packages land in /app/node_modules; the prune script then
# drops deno's second copy of them and what the image never runs (other
# systems' native binaries, test-only packages), in this same layer.
COPY --chown=deno:deno deno.json deno.lock ./
COPY --chown=deno:deno deploy/prune_node_modules.sh deploy/
RUN deno install --frozen && bash deploy/prune_node_modules.sh

COPY --chown=deno:deno . .
# Cache the whole module graph of every entry point the image runs, so that
# `deno run --cached-only` below proves nothing is fetched at start.
RUN deno install --frozen --entrypoint api/main.ts pipeline/main.ts deploy/create_vector_index.ts \
  && mkdir -p .data

# Cloud Run sets PORT (8080); the API reads it through config/mod.ts.
EXPOSE 8000

# Default: serve the API. The Cloud Run Job overrides the command with
# `deno task pipeline …` (see deploy/deploy_job.sh). A 4 MB young generation
# (V8's default grows to 32 MB per semi-space under load) keeps the API's
# peak RSS about 35 MB lower with ml-latest-small and 140 MB lower with a
# 100k-movie catalogue, for a few % more GC time (docs/BENCHMARKS.md).
# --unstable-net lets API_ISOLATES > 1 share the port (SO_REUSEPORT).
CMD ["deno", "run", "-A", "--cached-only", "--unstable-net", "--v8-flags=--max-semi-space-size=4", "api/main.ts"]
