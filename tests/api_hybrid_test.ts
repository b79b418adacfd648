/**
 * One path: the API serves the trained hybrid (the default RECOMMENDER) with
 * exactly the recommendations the core recommender gives offline, as the
 * evaluation computes them, for a MovieLens user's token.
 */
import assert from "node:assert/strict";
import { loadRecommender } from "../serving/mod.ts";
import {
  bearer,
  loadedStore,
  localToken,
  needsDataset,
  testApp,
} from "./api_fixture.ts";

Deno.test({
  ...needsDataset(
    "the API serves the trained hybrid, as the evaluation computes it",
  ),
  async fn() {
    const loaded = await loadedStore();
    try {
      const app = testApp(loaded.store, { RECOMMENDER: "hybrid" });
      const token = await localToken("ml:414");
      const res = await app.request(
        "/api/recommendations/user/me?limit=10",
        { headers: bearer(token) },
      );
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.strategy, "hybrid");
      assert.equal(body.coldStart, false);

      const history = await loaded.store.interactions.forUser("ml:414");
      const offline = (await loadRecommender(loaded.store, "hybrid"))
        .recommend(history, { limit: 10 });
      assert.deepEqual(
        body.items.map((i: { movie: { id: number } }) => i.movie.id),
        offline.map((r) => r.movieId),
      );
      const rated = new Set(history.map((i) => i.movieId));
      for (const item of body.items) {
        assert.ok(!rated.has(item.movie.id), `${item.movie.title} was rated`);
        assert.ok(item.explanation.text.length > 0);
        for (const b of item.explanation.because) assert.ok(rated.has(b.id));
      }
    } finally {
      await loaded.close();
    }
  },
});
