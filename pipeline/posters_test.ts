/**
 * The posters step against a local stand-in of TMDB's API (tests/tmdb_bridge.ts):
 * found, no poster, unknown ids, bad JSON, server errors, 429 with
 * Retry-After, a refused key, resuming after an interruption, and staleness.
 */
import assert from "node:assert/strict";
import { loadPosterCache } from "../store/posters.ts";
import {
  FIXTURE_DATASET,
  tempPipeline,
} from "../tests/fixtures/pipeline_context.ts";
import {
  FIXTURE_POSTERS,
  startTmdbBridge,
  type TmdbBridgeOptions,
} from "../tests/tmdb_bridge.ts";
import { loadStep } from "./load.ts";
import { postersStep } from "./posters.ts";
import { TmdbAuthError, tmdbClient } from "./tmdb.ts";

const KEY = "test-key-3f9a";
/** The fixture's TMDB ids (links.csv), by movie id. */
const TMDB = {
  1: 862,
  2: 8844,
  3: 9087,
  4: 429,
  6: 13916,
  8: 863,
  9: 348,
  10: 679,
  11: 194,
};

/** A loaded fixture store and a bridge; `env` adds to the config. */
async function setup(
  bridge: Partial<TmdbBridgeOptions>,
  env: Record<string, string> = {},
) {
  const tmdb = await startTmdbBridge({
    apiKey: KEY,
    movies: FIXTURE_POSTERS,
    ...bridge,
  });
  const p = await tempPipeline({
    MOVIELENS_DIR: FIXTURE_DATASET,
    EMBEDDER: "tfidf",
    TMDB_API_URL: tmdb.url,
    TMDB_API_KEY: KEY,
    TMDB_REQUESTS_PER_SECOND: "50",
    ...env,
  });
  await loadStep(p);
  return {
    p,
    tmdb,
    async close() {
      await p.close();
      await tmdb.close();
    },
  };
}

Deno.test("without TMDB credentials the step is skipped and says so", async () => {
  const p = await tempPipeline({ MOVIELENS_DIR: FIXTURE_DATASET });
  try {
    await loadStep(p);
    const result = await postersStep(p);
    assert.equal(result.skipped, true);
    assert.match(
      result.detail,
      /no TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN set/,
    );
    assert.equal((await loadPosterCache(p.store.meta)).size, 0);
  } finally {
    await p.close();
  }
});

Deno.test("posters: found, none, unknown and bad JSON are told apart, 500s retried, and a second run asks only for failures", async () => {
  const t = await setup({ badJson: [429], serverErrors: { 13916: 2 } });
  try {
    const first = await postersStep(t.p);
    assert.equal(first.skipped, false);
    assert.match(
      first.detail,
      /^9 movies with a TMDB id, 0 cached and fresh, 9 asked: found 5, no poster 1, unknown to TMDB 2, failed 1 \(movie 4 \(TMDB 429\): response is not JSON; they are asked again next run\); 5 movies have a poster$/,
    );
    const cache = await loadPosterCache(t.p.store.meta);
    assert.deepEqual(
      Object.fromEntries(
        [...cache].map(([id, r]) => [id, [r.status, r.posterPath]]),
      ),
      {
        1: ["found", "/toy_story.jpg"],
        2: ["found", "/jumanji.jpg"],
        3: ["none", null],
        4: ["failed", null],
        6: ["found", "/heat.jpg"],
        8: ["found", "/toy_story_2.jpg"],
        9: ["found", "/alien.jpg"],
        10: ["unknown", null],
        11: ["unknown", null],
      },
    );
    for (const [movieId, tmdbId] of Object.entries(TMDB)) {
      assert.equal(cache.get(Number(movieId))?.tmdbId, tmdbId);
    }
    // Heat answered 500 twice, then its poster.
    assert.deepEqual(
      t.tmdb.requests.filter((r) => r.tmdbId === 13916).map((r) => r.status),
      [500, 500, 200],
    );

    const asked = t.tmdb.requests.length;
    const second = await postersStep(t.p);
    assert.deepEqual(t.tmdb.requests.slice(asked).map((r) => r.tmdbId), [429]);
    assert.match(
      second.detail,
      /^9 movies with a TMDB id, 8 cached and fresh, 1 asked: .*failed 1/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a 429 pauses every request for its Retry-After, then the movie is asked again", async () => {
  const t = await setup({ rateLimit: { every: 4, retryAfterSeconds: 1 } });
  try {
    const result = await postersStep(t.p);
    assert.match(
      result.detail,
      /found 6, no poster 1, unknown to TMDB 2, failed 0/,
    );
    const limited = t.tmdb.requests.findIndex((r) => r.status === 429);
    assert.ok(limited >= 0, "the bridge rate limited a request");
    // Requests already on the wire may land; none starts within the pause.
    const after = t.tmdb.requests.slice(limited + 1).filter((r) =>
      r.at - t.tmdb.requests[limited].at > 50
    );
    assert.ok(after.length > 0);
    assert.ok(
      after[0].at - t.tmdb.requests[limited].at >= 950,
      `next request ${
        after[0].at - t.tmdb.requests[limited].at
      } ms after the 429`,
    );
  } finally {
    await t.close();
  }
});

Deno.test("an interrupted run keeps its finished batches and the next run asks only for the rest", async () => {
  const t = await setup({});
  try {
    const real = tmdbClient({
      baseUrl: t.tmdb.url,
      credentials: { apiKey: KEY },
      requestsPerSecond: 50,
    });
    let calls = 0;
    const dying = {
      poster(tmdbId: number) {
        if (++calls > 4) throw new Error("connection lost");
        return real.poster(tmdbId);
      },
    };
    await assert.rejects(
      postersStep(t.p, { tmdb: dying, batchSize: 2 }),
      /connection lost/,
    );
    assert.equal((await loadPosterCache(t.p.store.meta)).size, 4);
    const asked = t.tmdb.requests.length;
    const resumed = await postersStep(t.p, { batchSize: 2 });
    assert.equal(t.tmdb.requests.length - asked, 5);
    assert.match(
      resumed.detail,
      /^9 movies with a TMDB id, 4 cached and fresh, 5 asked/,
    );
    assert.equal((await loadPosterCache(t.p.store.meta)).size, 9);
  } finally {
    await t.close();
  }
});

Deno.test("entries older than POSTER_MAX_AGE_DAYS are asked again; --force asks for all", async () => {
  const t = await setup({}, { POSTER_MAX_AGE_DAYS: "2" });
  try {
    const day = 24 * 60 * 60 * 1000;
    const start = Date.now();
    await postersStep(t.p, { now: () => start });
    const fresh = await postersStep(t.p, { now: () => start + day });
    assert.match(fresh.detail, /9 cached and fresh, 0 asked/);
    assert.equal(fresh.skipped, true);
    const stale = await postersStep(t.p, { now: () => start + 3 * day });
    assert.match(stale.detail, /0 cached and fresh, 9 asked/);
    const forced = await postersStep(t.p, {
      force: true,
      now: () => start + 3 * day,
    });
    assert.match(forced.detail, /9 asked/);
    assert.equal(t.tmdb.requests.length, 27);
  } finally {
    await t.close();
  }
});

Deno.test("a refused key stops the step with a clear error that does not show the key", async () => {
  const t = await setup({}, { TMDB_API_KEY: "wrong-key-77" });
  try {
    const error = await postersStep(t.p).then(() => null, (e) => e);
    assert.ok(error instanceof TmdbAuthError);
    assert.match(
      error.message,
      /TMDB refused the credentials \(HTTP 401 .*Invalid API key/,
    );
    assert.doesNotMatch(error.message, /wrong-key-77/);
    assert.equal(t.tmdb.requests.length, 1, "stops at the first refusal");
  } finally {
    await t.close();
  }
});

Deno.test("a read access token is sent as a bearer token, and poster paths that are not TMDB's shape are refused", async () => {
  const t = await setup(
    {
      movies: {
        862: "//evil.example/x.jpg",
        8844: '/a.jpg" onerror="alert(1)',
      },
    },
    { TMDB_API_KEY: "", TMDB_READ_ACCESS_TOKEN: KEY },
  );
  try {
    const result = await postersStep(t.p);
    assert.match(
      result.detail,
      /found 0, no poster 0, unknown to TMDB 7, failed 2/,
    );
    assert.match(result.detail, /unexpected poster_path/);
    const cache = await loadPosterCache(t.p.store.meta);
    assert.equal([...cache.values()].filter((r) => r.posterPath).length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("network failures are retried with backoff, reported without the key", async () => {
  // A port nothing listens on: every attempt is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const waits: number[] = [];
  const client = tmdbClient({
    baseUrl: `http://127.0.0.1:${port}/3`,
    credentials: { apiKey: "secret-key-55" },
    requestsPerSecond: 50,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  const answer = await client.poster(862);
  assert.equal(answer.status, "failed");
  assert.ok(
    answer.status === "failed" && /after 4 attempts$/.test(answer.reason),
  );
  assert.doesNotMatch(JSON.stringify(answer), /secret-key-55/);
  assert.deepEqual(waits.filter((ms) => ms >= 500), [500, 1000, 2000]);
});
