/**
 * The watchlist ("want to watch") and "not interested" through the API:
 * both keep a movie out of the caller's recommendations and change nothing
 * else about them (they are lists, not taste), they exclude each other, and
 * a user with nothing but a watchlist still gets the cold-start list.
 */
import assert from "node:assert/strict";
import {
  loadedStore,
  localAuth,
  needsDataset,
  postJson,
  testApp,
} from "./api_fixture.ts";

interface Recommendations {
  coldStart: boolean;
  items: { movie: { id: number } }[];
}

Deno.test({
  ...needsDataset(
    "API lists: watchlist and not interested on ml-latest-small",
  ),
  async fn(t) {
    const loaded = await loadedStore();
    const app = testApp(loaded.store, { RATE_LIMIT_PER_MINUTE: "1000" });
    const post = (auth: Record<string, string>, body: unknown) =>
      app.request("/api/interactions", postJson(body, auth));
    const recommended = async (auth: Record<string, string>) =>
      (await (await app.request(
        "/api/recommendations/user/me?limit=30",
        { headers: auth },
      )).json()) as Recommendations;
    const ids = (r: Recommendations) => r.items.map((i) => i.movie.id);
    try {
      await t.step(
        "listed movies leave the recommendations, the rest stays as it was",
        async () => {
          const auth = await localAuth("lister");
          for (const movieId of [1, 260, 2571]) {
            const res = await post(auth, { movieId, type: "rating", value: 5 });
            assert.equal(res.status, 201);
          }
          const before = ids(await recommended(auth));
          const [wanted, unwanted] = before;
          assert.equal(
            (await post(auth, { movieId: wanted, type: "watchlist" })).status,
            201,
          );
          assert.equal(
            (await post(auth, { movieId: unwanted, type: "hide" })).status,
            201,
          );
          const after = ids(await recommended(auth));
          assert.ok(!after.includes(wanted), "the watchlist movie is left out");
          assert.ok(!after.includes(unwanted), "the hidden movie is left out");
          // Same taste, same order: only the listed movies are gone.
          assert.deepEqual(
            after.slice(0, before.length - 2),
            before.filter((id) => id !== wanted && id !== unwanted),
          );
        },
      );

      await t.step(
        "want to watch and not interested exclude each other",
        async () => {
          const auth = await localAuth("undecided");
          const types = async () =>
            (await loaded.store.interactions.forUser("undecided"))
              .map((i) => i.type).sort();
          await post(auth, { movieId: 50, type: "watchlist" });
          assert.deepEqual(await types(), ["watchlist"]);
          await post(auth, { movieId: 50, type: "hide" });
          assert.deepEqual(await types(), ["hide"]);
          await post(auth, { movieId: 50, type: "watchlist" });
          assert.deepEqual(await types(), ["watchlist"]);
          const removed = await app.request(
            "/api/interactions/50?type=watchlist",
            { method: "DELETE", headers: auth },
          );
          assert.equal(removed.status, 204);
          assert.deepEqual(await types(), []);
          const bad = await post(auth, {
            movieId: 50,
            type: "watchlist",
            value: 4,
          });
          assert.equal(bad.status, 400);
          await bad.body?.cancel();
        },
      );

      await t.step(
        "a watchlist alone is no taste: cold start, without it",
        async () => {
          const auth = await localAuth("newcomer");
          const cold = await recommended(auth);
          assert.equal(cold.coldStart, true);
          const first = ids(cold)[0];
          await post(auth, { movieId: first, type: "watchlist" });
          const still = await recommended(auth);
          assert.equal(still.coldStart, true);
          assert.ok(!ids(still).includes(first));
        },
      );
    } finally {
      await loaded.close();
    }
  },
});
