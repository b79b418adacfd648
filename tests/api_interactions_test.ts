/**
 * Interaction writes: replacement, like/dislike exclusivity, skips ("haven't
 * seen it") and what undoes them, concurrent writes landing exactly once,
 * and per-user rate limiting (429 problem).
 */
import { LOGIN_FAILURE_TIERS } from "../api/limits.ts";
import assert from "node:assert/strict";
import {
  loadedStore,
  localAuth,
  needsDataset,
  postEach,
  postInteraction,
  postJson,
  rateAtOnce,
  testApp,
} from "./api_fixture.ts";

Deno.test({
  ...needsDataset("API interactions on ml-latest-small"),
  async fn(t) {
    const loaded = await loadedStore();
    const app = testApp(loaded.store, { RATE_LIMIT_PER_MINUTE: "1000" });
    const movieIds = (await loaded.store.movies.ids()).slice(0, 50);
    try {
      await t.step(
        "a second rating of a movie replaces the first",
        async () => {
          const auth = await localAuth("rater");
          const interactions = [2, 4.5].map((value) => ({
            movieId: 1,
            type: "rating",
            value,
          }));
          assert.deepEqual(await postEach(app, { auth, interactions }), [
            201,
            201,
          ]);
          const rows = await loaded.store.interactions.forUser("rater");
          assert.equal(rows.length, 1);
          assert.equal(rows[0].value, 4.5);
        },
      );

      await t.step("like and dislike exclude each other", async () => {
        const auth = await localAuth("liker");
        const types = async () =>
          (await loaded.store.interactions.forUser("liker")).map((i) => i.type)
            .sort();
        await postInteraction(app, { auth, movieId: 2, type: "view" });
        await postInteraction(app, { auth, movieId: 2, type: "like" });
        assert.deepEqual(await types(), ["like", "view"]);
        await postInteraction(app, { auth, movieId: 2, type: "dislike" });
        assert.deepEqual(await types(), ["dislike", "view"]);
        await postInteraction(app, { auth, movieId: 2, type: "like" });
        assert.deepEqual(await types(), ["like", "view"]);
      });

      await t.step(
        "a skip is listed and undone like the others; seeing the movie replaces it",
        async () => {
          const auth = await localAuth("skipper");
          const post = (body: Record<string, unknown>) =>
            app.request("/api/interactions", postJson(body, auth));
          const listed = async () =>
            (await (await app.request("/api/users/me/interactions", {
              headers: auth,
            })).json()).items.map((
              i: { movieId: number; type: string; value: number | null },
            ) => `${i.movieId}:${i.type}:${i.value}`).sort();
          const skipped = await post({ movieId: 1, type: "skip" });
          assert.equal(skipped.status, 201);
          assert.equal((await skipped.json()).interaction.value, null);
          assert.equal((await post({ movieId: 2, type: "skip" })).status, 201);
          assert.deepEqual(await listed(), ["1:skip:null", "2:skip:null"]);

          const undo = await app.request("/api/interactions/2?type=skip", {
            method: "DELETE",
            headers: auth,
          });
          assert.equal(undo.status, 204);
          assert.deepEqual(await listed(), ["1:skip:null"]);

          // rating a movie says it was seen after all
          assert.equal(
            (await post({ movieId: 1, type: "rating", value: 4 })).status,
            201,
          );
          assert.deepEqual(await listed(), ["1:rating:4"]);
        },
      );

      await t.step(
        "a skip of a movie already rated is refused with a 409 problem and changes nothing",
        async () => {
          const auth = await localAuth("seen-it");
          await postInteraction(app, {
            auth,
            movieId: 3,
            type: "rating",
            value: 2.5,
          });
          const refused = await postInteraction(app, {
            auth,
            movieId: 3,
            type: "skip",
          });
          assert.equal(refused.status, 409);
          assert.equal(
            refused.headers.get("content-type"),
            "application/problem+json",
          );
          assert.match(
            (await refused.json()).detail,
            /movie 3: you rated it; undo that first/,
          );
          const rows = await loaded.store.interactions.forUser("seen-it");
          assert.deepEqual(rows.map((r) => [r.type, r.value]), [[
            "rating",
            2.5,
          ]]);
          const withValue = await postInteraction(app, {
            auth,
            movieId: 4,
            type: "skip",
            value: 3,
          });
          assert.equal(withValue.status, 400);
          assert.match(
            JSON.stringify(await withValue.json()),
            /must be absent for type \\"skip\\"/,
          );
        },
      );

      await t.step(
        "50 concurrent writes for one user all land exactly once",
        async () => {
          const auth = await localAuth("concurrent");
          const responses = await rateAtOnce(app, { auth, movieIds });
          assert.deepEqual(
            responses.map((r) => r.status),
            movieIds.map(() => 201),
          );
          const rows = await loaded.store.interactions.forUser("concurrent");
          assert.equal(rows.length, 50);
          assert.deepEqual(
            rows.map((r) => r.movieId).sort((a, b) => a - b),
            [...movieIds].sort((a, b) => a - b),
          );
          for (const row of rows) {
            const i = movieIds.indexOf(row.movieId);
            assert.equal(row.value, (i % 10 + 1) / 2);
          }
        },
      );

      await t.step(
        "the same write sent 50 times at once leaves one row",
        async () => {
          const auth = await localAuth("repeater");
          await Promise.all(
            Array.from(
              { length: 50 },
              () => postInteraction(app, { auth, movieId: 1, type: "like" }),
            ),
          );
          const rows = await loaded.store.interactions.forUser("repeater");
          assert.equal(rows.length, 1);
        },
      );

      await t.step(
        "concurrent likes and dislikes end with exactly one of them",
        async () => {
          const auth = await localAuth("flipper");
          await Promise.all(
            Array.from(
              { length: 40 },
              (_, i) =>
                postInteraction(app, {
                  auth,
                  movieId: 1,
                  type: i % 2 ? "like" : "dislike",
                }),
            ),
          );
          const rows = await loaded.store.interactions.forUser("flipper");
          assert.equal(rows.length, 1, JSON.stringify(rows));
        },
      );

      await t.step(
        "writes beyond the limit get a 429 problem with Retry-After",
        async () => {
          const limitedApp = testApp(loaded.store, {
            RATE_LIMIT_PER_MINUTE: "3",
          });
          const auth = await localAuth("limited");
          const write = () =>
            limitedApp.request(
              "/api/interactions",
              postJson({ movieId: 1, type: "view" }, auth),
            );
          for (let i = 0; i < 3; i++) {
            const ok = await write();
            assert.equal(ok.status, 201);
            assert.equal(ok.headers.get("ratelimit-remaining"), String(2 - i));
          }
          const refused = await write();
          assert.equal(refused.status, 429);
          assert.equal(
            refused.headers.get("content-type"),
            "application/problem+json",
          );
          const retryAfter = Number(refused.headers.get("retry-after"));
          assert.ok(
            retryAfter >= 1 && retryAfter <= 60,
            `Retry-After ${retryAfter}`,
          );
          assert.match(
            (await refused.json()).detail,
            /at most 3 writes per minute/,
          );
          // Other users and reads are not affected.
          const other = await limitedApp.request(
            "/api/interactions",
            postJson(
              { movieId: 1, type: "view" },
              await localAuth("other"),
            ),
          );
          assert.equal(other.status, 201);
          const read = await limitedApp.request("/api/users/me/interactions", {
            headers: auth,
          });
          assert.equal(read.status, 200);

          // Password guessing on one account backs off after the first
          // tier of failures (api/limits.ts), whatever the write limit.
          const tier = LOGIN_FAILURE_TIERS[0].limit;
          const attempts = [];
          for (let i = 0; i <= tier; i++) {
            const res = await limitedApp.request(
              "/api/auth/login",
              postJson({
                email: "victim@example.com",
                password: `guess-number-${i}`,
              }),
            );
            attempts.push(res.status);
            await res.body?.cancel();
          }
          assert.deepEqual(attempts, [...Array(tier).fill(401), 429]);
        },
      );
    } finally {
      await loaded.close();
    }
  },
});
