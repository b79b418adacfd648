/**
 * The one contract every `Store` adapter passes. Adapter test files call
 * `storeContractTests` with a function that opens an empty store.
 */
import assert from "node:assert/strict";
import type { Interaction, Movie, MovieStats } from "../core/types.ts";
import { interactionAt } from "../core/models/interaction_columns.ts";
import { readInteractionColumns } from "./interaction_columns.ts";
import type { MovieQuery, Store } from "./types.ts";

/** A part of the contract that not every backend offers. */
export type ContractFeature = "transactions" | "vectorSearch";

/** Options of `storeContractTests`. */
export interface StoreContractOptions {
  /** Registers the tests as ignored (e.g. when the backend is not configured). */
  ignore?: boolean;
  /**
   * Features this backend cannot run, each with the reason: their tests are
   * registered as ignored, the reason in their name, and every other test
   * runs. E.g. `{ transactions: "FerretDB 1.24 has no multi-document
   * transactions" }`.
   */
  notCovered?: Partial<Record<ContractFeature, string>>;
  /** Deno's op and resource sanitizers (network drivers keep timers). Default true. */
  sanitize?: boolean;
}

function movie(id: number, title: string, extra: Partial<Movie> = {}): Movie {
  return {
    id,
    title,
    year: 2000,
    genres: [],
    tags: [],
    imdbId: null,
    tmdbId: null,
    ...extra,
  };
}

function stats(
  movieId: number,
  bayesianScore: number,
  ratingMean = bayesianScore,
  ratingCount = 10,
): MovieStats {
  const ratingHistogram = Array.from(
    { length: 10 },
    (_, i) => i === 9 ? ratingCount : 0,
  );
  return { movieId, ratingCount, ratingMean, bayesianScore, ratingHistogram };
}

function rating(
  userId: string,
  movieId: number,
  value: number,
  timestamp: number,
): Interaction {
  return { userId, movieId, type: "rating", value, timestamp };
}

const zeroStats = {
  ratingCount: 0,
  ratingMean: 0,
  bayesianScore: 0,
  ratingHistogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
};

async function collect(
  store: Store,
  batchSize?: number,
): Promise<Interaction[][]> {
  const batches: Interaction[][] = [];
  for await (const batch of store.interactions.scan(batchSize)) {
    batches.push(batch);
  }
  return batches;
}

/**
 * A store that runs `after` once it is closed (e.g. to delete a temporary
 * folder or database), delegating everything else.
 */
export function withCloseHook(
  store: Store,
  after: () => Promise<void>,
): Store {
  return {
    kind: store.kind,
    vectorSearch: store.vectorSearch,
    movies: store.movies,
    embeddings: store.embeddings,
    interactions: store.interactions,
    neighbours: store.neighbours,
    meta: store.meta,
    transaction: (work) => store.transaction(work),
    ping: () => store.ping(),
    close: async () => {
      await store.close();
      await after();
    },
  };
}

/**
 * Registers one `Deno.test` per behaviour of the `Store` contract. `open` is
 * called once per test and must return an empty store; the test closes it.
 *
 * @example
 * storeContractTests("sqlite", async () =>
 *   openSqliteStore(`${await Deno.makeTempDir()}/test.db`));
 */
export function storeContractTests(
  name: string,
  open: () => Promise<Store>,
  options: StoreContractOptions = {},
): void {
  const sanitize = options.sanitize ?? true;
  const test = (
    title: string,
    body: (store: Store) => Promise<void>,
    needs?: ContractFeature,
  ) => {
    const reason = needs && options.notCovered?.[needs];
    Deno.test({
      name: `${name} contract: ${title}${
        reason ? ` (not covered: ${reason})` : ""
      }`,
      ignore: options.ignore || reason !== undefined,
      sanitizeOps: sanitize,
      sanitizeResources: sanitize,
      fn: async () => {
        const store = await open();
        try {
          await body(store);
        } finally {
          await store.close();
        }
      },
    });
  };

  test("ping answers and an empty store is empty", async (store) => {
    await store.ping();
    assert.equal(await store.movies.count(), 0);
    assert.deepEqual(await store.movies.ids(), []);
    assert.deepEqual(await store.movies.genres(), []);
    assert.equal(await store.movies.get(1), null);
    assert.equal(await store.interactions.count(), 0);
    assert.deepEqual(await collect(store), []);
    assert.equal(await store.embeddings.load("tfidf"), null);
    assert.deepEqual(await store.neighbours.get(1, 10), []);
    assert.equal(await store.meta.get("missing"), null);
    assert.equal(await store.meta.getBlob("missing"), null);
  });

  test("movies: upsert, get and getMany keep order, stats survive re-upsert", async (store) => {
    const toyStory = movie(1, "Toy Story", {
      year: 1995,
      genres: ["Adventure", "Animation"],
      tags: ["pixar", "fun"],
      imdbId: "tt0114709",
      tmdbId: 862,
    });
    await store.movies.upsert([
      toyStory,
      movie(3, "Heat"),
      movie(2, "Jumanji", { year: null }),
    ]);
    assert.deepEqual(await store.movies.get(1), { ...toyStory, ...zeroStats });
    assert.equal((await store.movies.get(2))?.year, null);
    assert.equal(await store.movies.get(99), null);

    const many = await store.movies.getMany([3, 99, 1, 2]);
    assert.deepEqual(many.map((m) => m.id), [3, 1, 2]);
    assert.deepEqual(await store.movies.getMany([]), []);

    const s = stats(1, 3.9, 4.1, 215);
    await store.movies.putStats([s, stats(404, 1)]); // unknown ids are ignored
    const withStats = await store.movies.get(1);
    assert.equal(withStats?.ratingCount, 215);
    assert.equal(withStats?.ratingMean, 4.1);
    assert.equal(withStats?.bayesianScore, 3.9);
    assert.deepEqual(withStats?.ratingHistogram, s.ratingHistogram);

    // Re-upserting changes the movie, keeps its stats and replaces its genres.
    await store.movies.upsert([{
      ...toyStory,
      title: "Toy Story!",
      genres: ["Comedy"],
    }]);
    const again = await store.movies.get(1);
    assert.equal(again?.title, "Toy Story!");
    assert.deepEqual(again?.genres, ["Comedy"]);
    assert.equal(again?.ratingCount, 215);
    assert.deepEqual(await store.movies.genres(), [{
      genre: "Comedy",
      count: 1,
    }]);
    assert.equal(await store.movies.count(), 3);
    assert.equal(await store.movies.get(404), null);
    assert.deepEqual(await store.movies.ids(), [1, 2, 3]);
  });

  test("movies: title search folds case, accents and punctuation; text never reaches the database", async (store) => {
    await store.movies.upsert([
      movie(1, "Amélie"),
      movie(2, "Léon: The Professional"),
      movie(3, "Mr. & Mrs. Smith"),
      movie(4, "Amelia"),
      movie(5, "100% Wolf"),
    ]);
    const ids = async (q: string) =>
      (await store.movies.query({ q, offset: 0, limit: 50, sort: "title" }))
        .items.map((m) => m.id);
    assert.deepEqual(await ids("amelie"), [1]);
    assert.deepEqual(await ids("AMÉLIE"), [1]);
    assert.deepEqual(await ids("ame"), [4, 1]);
    assert.deepEqual(await ids("leon"), [2]);
    assert.deepEqual(await ids("the professional leon"), [2]);
    assert.deepEqual(await ids("smith mrs"), [3]);
    assert.deepEqual(await ids("100 wolf"), [5]);
    // Punctuation alone matches nothing: no wildcard of any query language.
    assert.deepEqual(await ids("."), []);
    assert.deepEqual(await ids("%"), []);
    assert.deepEqual(await ids("(["), []);
    assert.deepEqual(await ids("  "), [5, 4, 1, 2, 3]); // blank means no filter
  });

  test("movies: title search ranks the best match first, pages it, corrects a typo", async (store) => {
    await store.movies.upsert([
      movie(1, "Matrix Reloaded, The", { year: 2003, genres: ["Action"] }),
      movie(2, "Matrix, The", { year: 1999, genres: ["Action", "Sci-Fi"] }),
      movie(3, "Animatrix, The", { year: 2003, genres: ["Animation"] }),
      movie(4, "Matrix Revolutions, The", { year: 2003, genres: ["Sci-Fi"] }),
      movie(5, "Dark Knight, The", { year: 2008, genres: ["Action"] }),
    ]);
    await store.movies.prepareSearch();
    const search = (q: Partial<MovieQuery>) =>
      store.movies.query({ offset: 0, limit: 50, ...q });
    const ids = async (q: Partial<MovieQuery>) =>
      (await search(q)).items.map((m) => m.id);
    // "relevance" is the default with a title: the whole title first.
    assert.deepEqual(await ids({ q: "the matrix" }), [2, 1, 4]);
    assert.deepEqual((await search({ q: "the matrix" })).correctedQuery, null);
    // Other sorts and filters apply to the matches.
    assert.deepEqual(await ids({ q: "matrix", sort: "year" }), [1, 4, 2]);
    assert.deepEqual(await ids({ q: "matrix", genres: ["Sci-Fi"] }), [2, 4]);
    assert.deepEqual(await ids({ q: "matrix", yearFrom: 2000 }), [1, 4]);
    // Pages of the ranked list, with the total of every match.
    const second = await search({ q: "the matrix", offset: 1, limit: 1 });
    assert.deepEqual([second.items.map((m) => m.id), second.total], [[1], 3]);
    // A typo: the corrected query, and its matches.
    const typo = await search({ q: "the matrx" });
    assert.equal(typo.correctedQuery, "the matrix");
    assert.deepEqual(typo.items.map((m) => m.id), [2, 1, 4]);
    assert.deepEqual(await ids({ q: "zzqqxx" }), []);
    // The store's own writes are searchable at once.
    await store.movies.upsert([movie(6, "Matrix Resurrections, The")]);
    assert.deepEqual(await ids({ q: "matrix resurrections" }), [6]);
  });

  test("movies: genre filter needs every genre, year range is inclusive", async (store) => {
    await store.movies.upsert([
      movie(1, "A", { year: 1990, genres: ["Action", "Comedy"] }),
      movie(2, "B", { year: 1995, genres: ["Action"] }),
      movie(3, "C", { year: 2000, genres: ["Comedy", "Action", "Drama"] }),
      movie(4, "D", { year: null, genres: ["Comedy"] }),
    ]);
    const ids = async (q: Partial<MovieQuery>) =>
      (await store.movies.query({ offset: 0, limit: 50, sort: "title", ...q }))
        .items.map((m) => m.id);
    assert.deepEqual(await ids({ genres: ["Action"] }), [1, 2, 3]);
    assert.deepEqual(await ids({ genres: ["Action", "Comedy"] }), [1, 3]);
    assert.deepEqual(await ids({ genres: ["Comedy", "Action", "Comedy"] }), [
      1,
      3,
    ]);
    assert.deepEqual(await ids({ genres: ["Action", "Horror"] }), []);
    assert.deepEqual(await ids({ genres: [] }), [1, 2, 3, 4]);
    assert.deepEqual(await ids({ yearFrom: 1995 }), [2, 3]);
    assert.deepEqual(await ids({ yearTo: 1995 }), [1, 2]);
    assert.deepEqual(await ids({ yearFrom: 1995, yearTo: 1995 }), [2]);
    assert.deepEqual(await ids({ yearFrom: 1991, yearTo: 1994 }), []);
    assert.deepEqual(
      await ids({ genres: ["Comedy"], yearFrom: 1990, yearTo: 2000 }),
      [1, 3],
    );
    assert.deepEqual(await store.movies.genres(), [
      { genre: "Action", count: 3 },
      { genre: "Comedy", count: 3 },
      { genre: "Drama", count: 1 },
    ]);
  });

  test("movies: every sort and order, paging with total", async (store) => {
    await store.movies.upsert([
      movie(1, "delta", { year: 2001 }),
      movie(2, "Alpha", { year: 1999 }),
      movie(3, "charlie", { year: 2001 }),
      movie(4, "Bravo", { year: null }),
      movie(5, "Écho", { year: 1980 }),
    ]);
    await store.movies.putStats([
      stats(1, 3.5, 4.0, 10),
      stats(2, 4.0, 3.0, 50),
      stats(3, 3.5, 4.0, 20),
      stats(4, 2.0, 4.5, 1),
      stats(5, 3.0, 3.0, 50),
    ]);
    const ids = async (
      sort?: MovieQuery["sort"],
      order?: MovieQuery["order"],
    ) => {
      const page = await store.movies.query({
        sort,
        order,
        offset: 0,
        limit: 10,
      });
      assert.equal(page.total, 5);
      return page.items.map((m) => m.id);
    };
    // Ties break by id, and the opposite order reverses the whole list.
    // "popular": most rated first, ties by the Bayesian average.
    assert.deepEqual(await ids(), [2, 5, 3, 1, 4]);
    assert.deepEqual(await ids("popular", "desc"), [2, 5, 3, 1, 4]);
    assert.deepEqual(await ids("popular", "asc"), [4, 1, 3, 5, 2]);
    // "rating": the Bayesian average, so 4.5 from one person (4) is last.
    assert.deepEqual(await ids("rating"), [2, 1, 3, 5, 4]);
    assert.deepEqual(await ids("rating", "asc"), [4, 5, 3, 1, 2]);
    assert.deepEqual(await ids("title"), [2, 4, 3, 1, 5]);
    assert.deepEqual(await ids("title", "desc"), [5, 1, 3, 4, 2]);
    // Movies without a year come last when newest first.
    assert.deepEqual(await ids("year"), [1, 3, 2, 5, 4]);
    assert.deepEqual(await ids("year", "asc"), [4, 5, 2, 3, 1]);

    const page = (offset: number, limit: number) =>
      store.movies.query({ sort: "popular", offset, limit });
    const first = await page(0, 2);
    assert.deepEqual(first.items.map((m) => m.id), [2, 5]);
    assert.equal(first.total, 5);
    assert.deepEqual((await page(2, 2)).items.map((m) => m.id), [3, 1]);
    const last = await page(4, 2);
    assert.deepEqual(last.items.map((m) => m.id), [4]);
    assert.equal(last.total, 5);
    const beyond = await page(10, 2);
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.total, 5);
    const filtered = await store.movies.query({
      yearFrom: 2000,
      offset: 1,
      limit: 1,
    });
    assert.equal(filtered.total, 2);
    assert.deepEqual(filtered.items.map((m) => m.id), [1]);
    assert.equal(filtered.items[0].bayesianScore, 3.5);
    await assert.rejects(
      store.movies.query({ offset: -1, limit: 1 }),
      RangeError,
    );
  });

  test("embeddings: put, hashes, load in id order with exact floats, prune", async (store) => {
    const vector = (seed: number) =>
      Float32Array.from(
        { length: 5 },
        (_, i) => Math.fround(Math.sin(seed * 7 + i) / 3),
      );
    // Values that a float64 or a text round trip would change.
    const exact = new Float32Array([0.1, -0, 1e-38, 3.4e38, Math.PI]);
    await store.embeddings.put("tfidf", [
      { movieId: 30, textHash: "h30", vector: vector(30) },
      { movieId: 10, textHash: "h10", vector: exact },
      { movieId: 20, textHash: "h20", vector: vector(20) },
    ]);
    await store.embeddings.put("minilm", [
      { movieId: 10, textHash: "other", vector: new Float32Array([1, 2]) },
    ]);
    assert.deepEqual(
      await store.embeddings.hashes("tfidf"),
      new Map([[10, "h10"], [20, "h20"], [30, "h30"]]),
    );
    const matrix = await store.embeddings.load("tfidf");
    assert.ok(matrix);
    assert.equal(matrix.dim, 5);
    assert.deepEqual([...matrix.ids], [10, 20, 30]);
    assert.ok(matrix.ids instanceof Int32Array);
    assert.ok(matrix.vectors instanceof Float32Array);
    assert.equal(matrix.vectors.length, 15);
    assert.deepEqual(matrix.vectors.subarray(0, 5), exact);
    assert.ok(Object.is(matrix.vectors[1], -0));
    assert.deepEqual(matrix.vectors.subarray(5, 10), vector(20));
    assert.deepEqual(matrix.vectors.subarray(10, 15), vector(30));

    // Replacing a row changes its hash and vector only.
    await store.embeddings.put("tfidf", [{
      movieId: 20,
      textHash: "new",
      vector: vector(99),
    }]);
    assert.equal((await store.embeddings.hashes("tfidf")).get(20), "new");
    const replaced = await store.embeddings.load("tfidf");
    assert.deepEqual(replaced?.vectors.subarray(5, 10), vector(99));
    assert.equal(replaced?.ids.length, 3);

    assert.equal(
      await store.embeddings.prune("tfidf", new Set([10, 30, 77])),
      1,
    );
    assert.deepEqual([...(await store.embeddings.load("tfidf"))!.ids], [
      10,
      30,
    ]);
    assert.equal(await store.embeddings.prune("tfidf", new Set([10, 30])), 0);
    // Other models are untouched.
    const minilm = await store.embeddings.load("minilm");
    assert.deepEqual(minilm, {
      ids: new Int32Array([10]),
      dim: 2,
      vectors: new Float32Array([1, 2]),
    });
    assert.equal(await store.embeddings.prune("tfidf", new Set()), 2);
    assert.equal(await store.embeddings.load("tfidf"), null);
    assert.deepEqual(await store.embeddings.hashes("tfidf"), new Map());
  });

  test("interactions: upsert is idempotent and replaces a rating", async (store) => {
    const rows: Interaction[] = [
      rating("u1", 1, 4, 1000),
      rating("u1", 2, 3.5, 2000),
      { userId: "u1", movieId: 1, type: "like", value: null, timestamp: 1500 },
      rating("u2", 1, 5, 3000),
    ];
    await store.interactions.upsert(rows);
    await store.interactions.upsert(rows);
    assert.equal(await store.interactions.count(), 4);
    await store.interactions.upsert([rating("u1", 1, 2.5, 4000)]);
    assert.equal(await store.interactions.count(), 4);
    const u1 = await store.interactions.forUser("u1");
    assert.deepEqual(u1, [
      rating("u1", 1, 2.5, 4000),
      rating("u1", 2, 3.5, 2000),
      { userId: "u1", movieId: 1, type: "like", value: null, timestamp: 1500 },
    ]);
    assert.deepEqual(await store.interactions.forUser("nobody"), []);
    await store.interactions.upsert([]);
    assert.equal(await store.interactions.count(), 4);
  });

  test("interactions: forUser newest first, remove one type or all", async (store) => {
    const ts = Date.UTC(2024, 0, 1);
    await store.interactions.upsert([
      rating("u1", 10, 4, ts + 1),
      {
        userId: "u1",
        movieId: 10,
        type: "view",
        value: null,
        timestamp: ts + 3,
      },
      {
        userId: "u1",
        movieId: 10,
        type: "like",
        value: null,
        timestamp: ts + 2,
      },
      rating("u1", 20, 1, ts + 5),
      rating("u2", 10, 3, ts + 9),
    ]);
    const order = (list: Interaction[]) =>
      list.map((i) => `${i.movieId}:${i.type}`);
    assert.deepEqual(order(await store.interactions.forUser("u1")), [
      "20:rating",
      "10:view",
      "10:like",
      "10:rating",
    ]);
    assert.equal(await store.interactions.remove("u1", 10, "like"), 1);
    assert.equal(await store.interactions.remove("u1", 10, "like"), 0);
    assert.deepEqual(order(await store.interactions.forUser("u1")), [
      "20:rating",
      "10:view",
      "10:rating",
    ]);
    assert.equal(await store.interactions.remove("u1", 10), 2);
    assert.deepEqual(order(await store.interactions.forUser("u1")), [
      "20:rating",
    ]);
    assert.equal(await store.interactions.remove("u1", 999), 0);
    // Another user's row on the same movie is untouched.
    assert.deepEqual(order(await store.interactions.forUser("u2")), [
      "10:rating",
    ]);
    assert.equal(await store.interactions.count(), 2);
  });

  test("interactions: scan covers everything once, in batches, by user then movie", async (store) => {
    const rows: Interaction[] = [];
    for (let u = 0; u < 25; u++) {
      for (let m = 0; m < 100; m++) {
        rows.push(
          rating(`ml:${u}`, (m * 37) % 101 + 1, 0.5 + (m % 10) / 2, 1000 + m),
        );
      }
    }
    rows.push({
      userId: "ml:3",
      movieId: 5,
      type: "like",
      value: null,
      timestamp: 1,
    });
    // Insert shuffled so that order comes from the store, not insertion.
    const shuffled = rows.map((row, i) => ({
      row,
      key: (i * 7919) % rows.length,
    }))
      .sort((a, b) => a.key - b.key).map((x) => x.row);
    await store.interactions.upsert(shuffled);
    assert.equal(await store.interactions.count(), rows.length);

    const batches = await collect(store, 1000);
    assert.deepEqual(batches.map((b) => b.length), [1000, 1000, 501]);
    const scanned = batches.flat();
    const key = (i: Interaction) => [i.userId, i.movieId, i.type] as const;
    const expected = [...rows].sort((a, b) => {
      const [ua, ma, ta] = key(a);
      const [ub, mb, tb] = key(b);
      return ua < ub
        ? -1
        : ua > ub
        ? 1
        : ma - mb || (ta < tb ? -1 : ta > tb ? 1 : 0);
    });
    assert.deepEqual(scanned, expected);
    assert.deepEqual((await collect(store, 2501)).map((b) => b.length), [2501]);
    assert.deepEqual((await collect(store)).flat(), expected);
  });

  test("interactions: readInteractionColumns holds every row as columns, page by page, in scan order", async (store) => {
    const rows: Interaction[] = [];
    for (let u = 0; u < 7; u++) {
      for (let m = 1; m <= 30; m++) {
        rows.push(rating(`ml:${u}`, m * 3, 0.5 + (m % 10) / 2, 1e12 + m));
      }
    }
    rows.push({
      userId: "app:x",
      movieId: 9,
      type: "like",
      value: null,
      timestamp: 5,
    });
    await store.interactions.upsert([...rows].reverse());
    const pages: number[] = [];
    const columns = await readInteractionColumns(store.interactions, {
      batchSize: 50,
      onPage: (n) => pages.push(n),
    });
    assert.equal(columns.size, rows.length);
    assert.deepEqual(pages, [50, 50, 50, 50, 11]);
    const scanned = (await collect(store)).flat();
    const back = Array.from(
      { length: columns.size },
      (_, i) => interactionAt(columns, i),
    );
    assert.deepEqual(back, scanned);
    assert.equal(columns.userIds.length, 8); // users held once, not per row
  });

  test("neighbours: put and get best first with a limit", async (store) => {
    await store.neighbours.put([
      {
        movieId: 1,
        neighbours: [
          { movieId: 5, score: 0.5 },
          { movieId: 3, score: 0.9 },
          { movieId: 4, score: 0.12345678901234 },
        ],
      },
      { movieId: 2, neighbours: [] },
    ]);
    assert.deepEqual(await store.neighbours.get(1, 10), [
      { movieId: 3, score: 0.9 },
      { movieId: 5, score: 0.5 },
      { movieId: 4, score: 0.12345678901234 },
    ]);
    assert.deepEqual(await store.neighbours.get(1, 2), [
      { movieId: 3, score: 0.9 },
      { movieId: 5, score: 0.5 },
    ]);
    assert.deepEqual(await store.neighbours.get(1, 0), []);
    assert.deepEqual(await store.neighbours.get(2, 5), []);
    assert.deepEqual(await store.neighbours.get(3, 5), []);
    await store.neighbours.put([{
      movieId: 1,
      neighbours: [{ movieId: 7, score: 1 }],
    }]);
    assert.deepEqual(await store.neighbours.get(1, 10), [{
      movieId: 7,
      score: 1,
    }]);
  });

  test("meta: values and blobs round trip and are replaced", async (store) => {
    await store.meta.set("pipeline:stats", "done");
    await store.meta.set("pipeline:stats", "v2");
    await store.meta.set("empty", "");
    assert.equal(await store.meta.get("pipeline:stats"), "v2");
    assert.equal(await store.meta.get("empty"), "");
    const small = new Uint8Array([0, 1, 2, 255]);
    await store.meta.setBlob("model/small", small);
    assert.deepEqual(await store.meta.getBlob("model/small"), small);
    await store.meta.setBlob("model/empty", new Uint8Array(0));
    assert.deepEqual(
      await store.meta.getBlob("model/empty"),
      new Uint8Array(0),
    );
    // Larger than a 16 MB MongoDB document: adapters must split it.
    const large = new Uint8Array(17 * 1024 * 1024 + 3);
    for (let i = 0; i < large.length; i += 4093) large[i] = i % 251;
    await store.meta.setBlob("model/large", large);
    const read = await store.meta.getBlob("model/large");
    assert.equal(read?.length, large.length);
    assert.ok(read && read.every((byte, i) => byte === large[i]));
    await store.meta.setBlob("model/large", small);
    assert.deepEqual(await store.meta.getBlob("model/large"), small);
  });

  test("transaction: commits work, nested work and returns its value", async (store) => {
    const value = await store.transaction(async () => {
      await store.meta.set("a", "1");
      await store.transaction(async () => {
        await store.interactions.upsert([rating("u1", 1, 4, 1)]);
      });
      return 42;
    });
    assert.equal(value, 42);
    assert.equal(await store.meta.get("a"), "1");
    assert.equal(await store.interactions.count(), 1);
  });

  test(
    "transaction: a throw rolls back everything, nested work included",
    async (store) => {
      await store.meta.set("a", "before");
      await store.interactions.upsert([rating("u1", 1, 4, 1)]);
      await store.movies.upsert([movie(1, "Heat", { genres: ["Crime"] })]);
      const failure = new Error("boom");
      await assert.rejects(
        store.transaction(async () => {
          await store.meta.set("a", "during");
          await store.interactions.upsert([
            rating("u1", 1, 1, 2),
            rating("u1", 2, 2, 2),
          ]);
          await store.transaction(async () => {
            await store.movies.upsert([
              movie(1, "Changed", { genres: ["Drama"] }),
            ]);
            await store.interactions.remove("u1", 1);
          });
          throw failure;
        }),
        failure,
      );
      assert.equal(await store.meta.get("a"), "before");
      assert.deepEqual(await store.interactions.forUser("u1"), [
        rating("u1", 1, 4, 1),
      ]);
      assert.equal((await store.movies.get(1))?.title, "Heat");
      assert.deepEqual(await store.movies.genres(), [{
        genre: "Crime",
        count: 1,
      }]);
      // The store still works after a rollback.
      await store.transaction(async () => await store.meta.set("a", "after"));
      assert.equal(await store.meta.get("a"), "after");
    },
    "transactions",
  );

  test(
    "transaction: calls from outside a running transaction are not part of it",
    async (store) => {
      let resume!: () => void;
      const paused = new Promise<void>((resolve) => (resume = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const failing = store.transaction(async () => {
        await store.meta.set("inside", "1");
        entered();
        await paused;
        throw new Error("rolled back");
      });
      await inside;
      // Started while the transaction is open; it may wait, but must not join.
      const outside = store.meta.set("outside", "1");
      resume();
      await assert.rejects(failing, /rolled back/);
      await outside;
      assert.equal(await store.meta.get("inside"), null);
      assert.equal(await store.meta.get("outside"), "1");
    },
    "transactions",
  );

  test("concurrent upserts for one user land exactly once", async (store) => {
    const writes = Array.from({ length: 40 }, (_, w) =>
      // Writers overlap: writer w writes movies w .. w+49.
      Array.from(
        { length: 50 },
        (_, i) => rating("u1", w + i + 1, 3, 1000 + w),
      ));
    await Promise.all([
      ...writes.map((rows) => store.interactions.upsert(rows)),
      ...writes.map((rows) => store.interactions.upsert(rows.slice(0, 10))),
    ]);
    const mine = await store.interactions.forUser("u1");
    assert.equal(mine.length, 89);
    assert.equal(new Set(mine.map((i) => i.movieId)).size, 89);
    assert.equal(await store.interactions.count(), 89);
  });
}
