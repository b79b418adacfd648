import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../config/mod.ts";
import { similarMovies, topK } from "../core/vectors/top_k.ts";
import { randomMatrix } from "../tests/fixtures/random_matrix.ts";
import { chooseVectorSearch, MemoryVectorIndex } from "./vector_search.ts";

Deno.test("the memory index searches exactly like topK, with exclude and filter", async () => {
  const matrix = randomMatrix(500, 16);
  const index = new MemoryVectorIndex(matrix, "tfidf");
  const query = matrix.vectors.slice(0, 16);
  const options = {
    exclude: new Set([1, 4]),
    filter: (id: number) => id % 2 === 0,
  };
  const found = await index.search(query, 10, options);
  assert.deepEqual(found, topK(matrix, query, { k: 10, ...options }));
  assert.equal(found.length, 10);
  assert.ok(found.every((m) => m.movieId % 2 === 0 && m.movieId !== 4));
});

Deno.test("the memory index finds similar movies and hands out their vectors", async () => {
  const matrix = randomMatrix(200, 8);
  const index = new MemoryVectorIndex(matrix, "tfidf");
  const similar = await index.similar(4, 5);
  assert.equal(similar.length, 5);
  assert.ok(
    !similar.some((m) => m.movieId === 4),
    "a movie is not its own neighbour",
  );
  assert.deepEqual(
    similar,
    similarMovies(matrix, 4, {
      index: new Map([...matrix.ids].map((id, row) => [id, row])),
      k: 5,
    }),
  );
  assert.deepEqual(await index.similar(2, 5), [], "id 2 has no vector");

  const some = await index.vectors([7, 2, 1]);
  assert.deepEqual(
    [...some.ids],
    [7, 1],
    "unknown ids are skipped, order kept",
  );
  assert.equal(some.dim, 8);
  assert.deepEqual(
    some.vectors.subarray(0, 8),
    matrix.vectors.subarray(16, 24),
  );
  assert.deepEqual(some.vectors.subarray(8, 16), matrix.vectors.subarray(0, 8));
});

Deno.test("auto keeps exact search in memory unless MongoDB holds a large catalog", () => {
  const base = { mode: "auto", minMovies: 100_000 } as const;
  assert.equal(
    chooseVectorSearch({ ...base, store: "sqlite", movies: 1_000_000 }).use,
    "memory",
  );
  const small = chooseVectorSearch({ ...base, store: "mongodb", movies: 9742 });
  assert.equal(small.use, "memory");
  assert.match(
    small.reason,
    /9742 movies, fewer than VECTOR_SEARCH_MIN_MOVIES=100000/,
  );
  assert.equal(
    chooseVectorSearch({ ...base, store: "mongodb", movies: 100_000 }).use,
    "atlas",
  );
  assert.equal(
    chooseVectorSearch({
      ...base,
      store: "mongodb",
      movies: 87_585,
      minMovies: 50_000,
    }).use,
    "atlas",
  );
});

Deno.test("explicit modes win, and atlas refuses a store without vector search", () => {
  assert.equal(
    chooseVectorSearch({
      mode: "memory",
      store: "mongodb",
      movies: 10 ** 6,
      minMovies: 1,
    }).use,
    "memory",
  );
  assert.equal(
    chooseVectorSearch({
      mode: "atlas",
      store: "mongodb",
      movies: 10,
      minMovies: 10 ** 6,
    }).use,
    "atlas",
  );
  assert.throws(
    () =>
      chooseVectorSearch({
        mode: "atlas",
        store: "sqlite",
        movies: 10,
        minMovies: 1,
      }),
    /VECTOR_SEARCH=atlas needs the MongoDB store, found the sqlite store/,
  );
});

Deno.test("config: VECTOR_SEARCH defaults to auto and atlas needs MongoDB", () => {
  const config = parseConfig({});
  assert.equal(config.VECTOR_SEARCH, "auto");
  assert.equal(config.VECTOR_SEARCH_MIN_MOVIES, 100_000);
  assert.equal(
    parseConfig({ VECTOR_SEARCH: "atlas", MONGODB_URI: "mongodb://x" })
      .VECTOR_SEARCH,
    "atlas",
  );
  assert.throws(
    () => parseConfig({ VECTOR_SEARCH: "atlas" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /VECTOR_SEARCH: atlas needs the MongoDB store/.test(error.message),
  );
  assert.throws(
    () => parseConfig({ VECTOR_SEARCH: "faiss" }),
    /VECTOR_SEARCH: .*\(got "faiss"\)/,
  );
});
