/**
 * The API on the MongoDB store, end to end against a real wire-protocol
 * server (.ci/run starts FerretDB 1.24 on SQLite and sets MONGODB_URI): the
 * pipeline loads the small fixture dataset (tests/fixtures/movielens) into a
 * fresh database, then the API answers movies, search, interactions
 * (re-rating, like/dislike, concurrent writes) and recommendations from it.
 * The fixture, not ml-latest-small: FerretDB 1.24 scans the whole collection
 * for every filtered read or keyed update (docs/DEPLOY.md).
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import { parseConfig } from "../config/mod.ts";
import { silentProgress } from "../pipeline/progress.ts";
import { runPipeline } from "../pipeline/run.ts";
import { FolderObjectStorage } from "../store/mod.ts";
import { openMongoStore } from "../store/mongodb/mod.ts";
import {
  BASE_ENV,
  localAuth,
  postEach,
  rateAtOnce,
  testApp,
} from "./api_fixture.ts";

const uri = Deno.env.get("MONGODB_URI");
const fixture = new URL("./fixtures/movielens", import.meta.url).pathname;
Deno.test({
  name: "API on the MongoDB store, loaded by the pipeline" +
    (uri ? "" : " (ignored: MONGODB_URI not set)"),
  ignore: !uri,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dbName = `movielens_api_${Date.now()}`;
    const dir = await Deno.makeTempDir({ prefix: "mongodb_api_" });
    const store = await openMongoStore(uri!, dbName);
    try {
      const config = parseConfig({
        ...BASE_ENV,
        STORE: "mongodb",
        MONGODB_URI: uri!,
        MONGODB_DB: dbName,
        DATA_DIR: dir,
        MOVIELENS_DIR: fixture,
      });
      await runPipeline({
        config,
        store,
        objects: new FolderObjectStorage(`${dir}/objects`),
        progress: silentProgress,
      });
      assert.equal(await store.movies.count(), 12);
      const app = testApp(store, { RATE_LIMIT_PER_MINUTE: "1000" });

      await t.step("movies: a page by popularity, one by id", async () => {
        const res = await app.request("/api/movies?pageSize=5");
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.equal(body.total, 12);
        assert.equal(body.items.length, 5);
        const one = await app.request("/api/movies/1");
        assert.equal((await one.json()).title, "Toy Story");
        assert.equal((await app.request("/api/movies/999999")).status, 404);
      });

      await t.step("search: title ignoring case, literal", async () => {
        const res = await app.request("/api/movies?q=TOY%20story&sort=title");
        const body = await res.json();
        assert.deepEqual(
          body.items.map((m: { title: string }) => m.title),
          ["Toy Story", "Toy Story 2"],
        );
        const regex = await (await app.request("/api/movies?q=.*")).json();
        assert.equal(regex.total, 0, "a regex is searched as text");
      });

      await t.step(
        "re-rating replaces; like and dislike exclude each other",
        async () => {
          const auth = await localAuth("rater");
          const interactions = [
            { movieId: 1, type: "rating", value: 2 },
            { movieId: 1, type: "rating", value: 4.5 },
            { movieId: 2, type: "like" },
            { movieId: 2, type: "dislike" },
          ];
          assert.deepEqual(
            await postEach(app, { auth, interactions }),
            interactions.map(() => 201),
          );
          const rows = await store.interactions.forUser("rater");
          assert.deepEqual(
            rows.map((r) => `${r.movieId}:${r.type}:${r.value}`).sort(),
            ["1:rating:4.5", "2:dislike:null"],
          );
        },
      );

      await t.step(
        "concurrent writes for one user land exactly once",
        async () => {
          const auth = await localAuth("concurrent");
          const ids = await store.movies.ids();
          const responses = await rateAtOnce(app, {
            auth,
            movieIds: [...ids, ...ids],
          });
          assert.ok(responses.every((r) => r.status === 201));
          const rows = await store.interactions.forUser("concurrent");
          assert.equal(rows.length, ids.length);
          assert.equal(new Set(rows.map((r) => r.movieId)).size, ids.length);
        },
      );

      await t.step(
        "recommendations leave out what the user rated",
        async () => {
          const res = await app.request(
            "/api/recommendations/user/me?limit=5",
            {
              headers: await localAuth("rater"),
            },
          );
          assert.equal(res.status, 200);
          const body = await res.json();
          assert.ok(body.items.length > 0);
          for (const item of body.items) {
            assert.ok(
              ![1, 2].includes(item.movie.id),
              `${item.movie.id} rated`,
            );
          }
        },
      );
    } finally {
      await store.close();
      await Deno.remove(dir, { recursive: true });
      const client = new MongoClient(uri!);
      await client.db(dbName).dropDatabase();
      await client.close();
    }
  },
});
