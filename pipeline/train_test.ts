import assert from "node:assert/strict";
import { openSqliteStore } from "../store/sqlite/mod.ts";
import type { Store } from "../store/types.ts";
import type { Interaction, Movie } from "../core/types.ts";
import { movieStats } from "../core/movie_stats.ts";
import {
  HistoryLengthRouter,
  SHORT_HISTORY,
} from "../core/recommenders/history_router.ts";
import { loadHybridSettings, MODEL_KEYS } from "../store/models.ts";
import { loadRecommender } from "../serving/mod.ts";
import { trainAndStore } from "./train.ts";

const day = 86_400_000;

/** 30 users: even users like movies 1–4, odd users 5–8; movie 9 is unrated. */
function interactions(): Interaction[] {
  const rows: Interaction[] = [];
  for (let u = 0; u < 30; u++) {
    const base = u % 2 === 0 ? 1 : 5;
    for (let m = 0; m < 4; m++) {
      if ((u + m) % 5 === 0) continue; // holes so there is something to predict
      rows.push({
        userId: `ml:${u}`,
        movieId: base + m,
        type: "rating",
        value: 4.5,
        timestamp: (u * 10 + m) * day,
      });
    }
  }
  return rows;
}

/** Movies 1..n, titled by number. */
function numberedMovies(n: number): Movie[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    title: `Movie ${i + 1}`,
    year: 2000,
    genres: [],
    tags: [],
    imdbId: null,
    tmdbId: null,
  }));
}

async function seededStore(dir: string): Promise<Store> {
  const store = await openSqliteStore(`${dir}/test.db`);
  const movies = numberedMovies(9);
  await store.movies.upsert(movies);
  const rows = interactions();
  await store.movies.putStats(
    movieStats(movies.map((m) => m.id), {
      ratedMovieIds: rows.map((r) => r.movieId),
      ratings: rows.map((r) => r.value ?? 0),
    }),
  );
  await store.interactions.upsert(rows);
  // Content: 9 (unrated) is the twin of 1; the two groups point apart.
  await store.embeddings.put(
    "tfidf",
    movies.map((m) => ({
      movieId: m.id,
      textHash: String(m.id),
      vector: m.id <= 4 || m.id === 9
        ? Float32Array.of(1, 0)
        : Float32Array.of(0, 1),
    })),
  );
  return store;
}

async function tfidfContent(store: Store) {
  const matrix = await store.embeddings.load("tfidf");
  assert.ok(matrix);
  return { model: "tfidf", matrix };
}

Deno.test("trainAndStore writes models that serving loads", async () => {
  const dir = await Deno.makeTempDir();
  const store = await seededStore(dir);
  try {
    const summary = await trainAndStore(store, {
      content: await tfidfContent(store),
      lambdas: [1, 5],
      minCount: 2,
    });
    assert.match(summary, /trained EASE \(λ=\d+, 8 movies\)/);
    const settings = await loadHybridSettings(store.meta);
    assert.equal(settings?.embeddingModel, "tfidf");
    // nobody has the 20 ratings it takes to play a new user
    assert.equal(settings?.short, undefined);
    for (const key of Object.values(MODEL_KEYS) as string[]) {
      assert.ok(await store.meta.getBlob(key), `blob ${key} written`);
    }
    const history: Interaction[] = [
      {
        userId: "new",
        movieId: 1,
        type: "rating",
        value: 5,
        timestamp: 400 * day,
      },
      {
        userId: "new",
        movieId: 2,
        type: "like",
        value: null,
        timestamp: 400 * day,
      },
    ];
    const hybrid = await loadRecommender(store, "hybrid");
    const recs = hybrid.recommend(history, { limit: 3 });
    assert.equal(hybrid.name, "hybrid");
    assert.ok(recs.length > 0);
    assert.ok([3, 4].includes(recs[0].movieId), `got ${recs[0].movieId}`);
    assert.ok(recs[0].explanation.because.length > 0);
    assert.ok(recs.every((r) => r.movieId !== 1 && r.movieId !== 2));

    // EASE alone falls back to content for a history of a movie nobody rated.
    const ease = await loadRecommender(store, "ease");
    const fromUnrated = ease.recommend(
      [{ userId: "x", movieId: 9, type: "like", value: null, timestamp: 0 }],
      { limit: 2 },
    );
    assert.deepEqual(fromUnrated.map((r) => r.movieId).sort(), [1, 2]);

    for (const name of ["itemknn", "content", "popular"] as const) {
      const r = await loadRecommender(store, name);
      assert.ok(r.recommend(history, { limit: 2 }).length > 0, name);
    }
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loading before training names the missing model", async () => {
  const dir = await Deno.makeTempDir();
  const store = await openSqliteStore(`${dir}/empty.db`);
  try {
    await assert.rejects(
      () => loadRecommender(store, "hybrid"),
      /Cannot load the trained models for "hybrid"/,
    );
    await assert.rejects(
      () => trainAndStore(store, { content: null }),
      /expected stored interactions, found none/,
    );
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("short histories get settings of their own, served through the router", async () => {
  const dir = await Deno.makeTempDir();
  const store = await openSqliteStore(`${dir}/test.db`);
  try {
    // 30 users in two taste groups, 24 ratings each over 30 movies a group.
    await store.movies.upsert(numberedMovies(60));
    const rows: Interaction[] = [];
    for (let u = 0; u < 30; u++) {
      const base = u % 2 === 0 ? 1 : 31;
      for (let m = 0; m < 30; m++) {
        if ((u + m) % 5 === 0) continue;
        rows.push({
          userId: `ml:${u}`,
          movieId: base + m,
          type: "rating",
          value: m % 3 === 0 ? 3 : 4.5,
          timestamp: (u * 100 + ((m * 7 + u) % 30)) * day,
        });
      }
    }
    await store.interactions.upsert(rows);
    const summary = await trainAndStore(store, {
      content: null,
      lambdas: [5],
      minCount: 2,
    });
    assert.match(summary, /new users [01]\.\d{4} \([01]\.\d{4} with/);
    assert.match(summary, /onboarded users [01]\.\d{4} \([01]\.\d{4} with/);
    const stored = await loadHybridSettings(store.meta);
    assert.ok(stored?.short, "short-history settings tuned");
    assert.equal(stored.short.maxHistory, SHORT_HISTORY);
    assert.ok(SHORT_HISTORY < 24, "ml:0's 24 ratings are a long history");
    assert.equal(stored.embeddingModel, null);
    const hybrid = await loadRecommender(store, "hybrid");
    assert.ok(hybrid instanceof HistoryLengthRouter);
    assert.equal(hybrid.name, "hybrid");
    const history = rows.filter((r) => r.userId === "ml:0");
    assert.equal(hybrid.pick(history.slice(0, 5)), hybrid.short);
    assert.equal(hybrid.pick(history), hybrid.long);
    // answers to the onboarding (a skip among them) get their own settings
    assert.ok(stored.short.onboarded, "onboarded settings tuned");
    const answered = [
      ...history.slice(0, 5),
      { ...history[0], movieId: 60, type: "skip" as const, value: null },
    ];
    assert.equal(hybrid.pick(answered), hybrid.onboarded);
    assert.notEqual(hybrid.onboarded, hybrid.short);
    const recs = hybrid.recommend(history.slice(0, 5), { limit: 5 });
    assert.ok(recs.every((r) => r.movieId <= 30), "same taste group");
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
