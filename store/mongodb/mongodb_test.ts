/**
 * Runs the store contract against a real server when MONGODB_URI is set
 * (.ci/run starts FerretDB 1.24 on SQLite for it): each test gets a fresh
 * database, dropped when the test closes its store. Tests of what the
 * server cannot do are marked with the reason, never skipped silently.
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import { storeContractTests, withCloseHook } from "../contract_test_suite.ts";
import { openMongoStore } from "./mod.ts";

const uri = Deno.env.get("MONGODB_URI");

/** A fresh database name per test. */
const testDbName = () =>
  `movielens_test_${Date.now()}_${crypto.randomUUID().slice(0, 8)}`;

async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

/** What the server is, as the marks need it. */
async function describeServer(uri: string) {
  const probeDb = testDbName();
  const probe = await openMongoStore(uri, probeDb);
  const client = new MongoClient(uri);
  try {
    const info = await client.db(probeDb).command({ buildInfo: 1 });
    return {
      transactions: probe.supportsTransactions,
      ferretdb: typeof info.ferretdbVersion === "string"
        ? `FerretDB ${info.ferretdbVersion}`
        : null,
    };
  } finally {
    await client.close();
    await probe.close();
    await dropDatabase(uri, probeDb);
  }
}

if (!uri) {
  Deno.test({
    name: "mongodb contract (ignored: MONGODB_URI not set)",
    ignore: true,
    fn() {},
  });
} else {
  const server = await describeServer(uri);
  storeContractTests("mongodb", async () => {
    const dbName = testDbName();
    const store = await openMongoStore(uri, dbName);
    return withCloseHook(store, () => dropDatabase(uri, dbName));
  }, {
    sanitize: false,
    notCovered: server.transactions ? {} : {
      transactions: `${
        server.ferretdb ?? "this server"
      } has no multi-document transactions`,
    },
  });

  Deno.test({
    name: "mongodb: transaction support is detected by running one",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      // FerretDB accepts a transaction's reads and fails only at commit;
      // the probe must see that, not trust `hello`.
      if (server.ferretdb) assert.equal(server.transactions, false);
      const dbName = testDbName();
      const store = await openMongoStore(uri, dbName);
      try {
        // Without transactions the work still runs, once, in order.
        const value = await store.transaction(async () => {
          await store.meta.set("a", "1");
          return 7;
        });
        assert.equal(value, 7);
        assert.equal(await store.meta.get("a"), "1");
      } finally {
        await store.close();
        await dropDatabase(uri, dbName);
      }
    },
  });

  Deno.test({
    name: "mongodb: a stats rewrite interrupted after its delete is put back " +
      "from the journal when the store opens",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const dbName = testDbName();
      const store = await openMongoStore(uri, dbName);
      const client = new MongoClient(uri);
      try {
        await store.movies.upsert([1, 2, 3].map((id) => ({
          id,
          title: `Movie ${id}`,
          year: 2000,
          genres: ["Drama"],
          tags: [],
          imdbId: null,
          tmdbId: null,
        })));
        await store.movies.putStats([{
          movieId: 3,
          ratingCount: 1,
          ratingMean: 2,
          bayesianScore: 2,
          ratingHistogram: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
        }]);
        assert.equal((await store.movies.get(3))?.ratingCount, 1);
        // What a writer killed between its delete and its insert leaves:
        // the new documents in the journal, the old ones gone.
        const db = client.db(dbName);
        const movies = db.collection("movies");
        const rewritten = (await movies.find({ _id: { $in: [1, 2] } } as never)
          .toArray()).map((doc) => ({ ...doc, ratingCount: 7 }));
        await db.collection("movie_rewrites").insertMany(rewritten);
        await movies.deleteMany({ _id: { $in: [1, 2] } } as never);
        assert.equal(await store.movies.count(), 1);
      } finally {
        await store.close();
      }
      const reopened = await openMongoStore(uri, dbName);
      try {
        assert.deepEqual(await reopened.movies.ids(), [1, 2, 3]);
        assert.equal((await reopened.movies.get(1))?.ratingCount, 7);
        assert.equal((await reopened.movies.get(2))?.title, "Movie 2");
        assert.equal((await reopened.movies.get(3))?.ratingCount, 1);
        assert.equal(
          await client.db(dbName).collection("movie_rewrites").countDocuments(),
          0,
        );
      } finally {
        await reopened.close();
        await client.close();
        await dropDatabase(uri, dbName);
      }
    },
  });

  for (const ferretdbPaths of [true, false]) {
    Deno.test({
      name: `mongodb: ${
        ferretdbPaths ? "FerretDB's" : "MongoDB's"
      } paths count a genre listed twice once and write stats`,
      sanitizeOps: false,
      sanitizeResources: false,
      async fn() {
        const dbName = testDbName();
        const store = await openMongoStore(uri, dbName, { ferretdbPaths });
        try {
          const movie = (id: number, genres: string[]) => ({
            id,
            title: `Movie ${id}`,
            year: 2000,
            genres,
            tags: [],
            imdbId: null,
            tmdbId: null,
          });
          await store.movies.upsert([
            movie(1, ["Drama", "Drama", "Comedy"]),
            movie(2, ["Drama"]),
          ]);
          assert.deepEqual(await store.movies.genres(), [
            { genre: "Comedy", count: 1 },
            { genre: "Drama", count: 2 },
          ]);
          await store.movies.putStats([{
            movieId: 2,
            ratingCount: 3,
            ratingMean: 4,
            bayesianScore: 3.5,
            ratingHistogram: [0, 0, 0, 0, 0, 0, 0, 3, 0, 0],
          }]);
          assert.equal((await store.movies.get(2))?.ratingCount, 3);
          assert.equal((await store.movies.get(1))?.ratingCount, 0);
          assert.deepEqual(await store.movies.ids(), [1, 2]);
        } finally {
          await store.close();
          await dropDatabase(uri, dbName);
        }
      },
    });
  }
}
