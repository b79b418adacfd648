/**
 * GET /api/onboarding on ml-latest-small: the most rated movies before any
 * answer, then questions that follow the answers (two tastes get two
 * different second pages), never a movie already answered in any way,
 * cached per history, and a clear 4xx for bad input.
 */
import assert from "node:assert/strict";
import {
  loadedStore,
  localAuth,
  needsDataset,
  postJson,
  problemOf,
  testApp,
} from "./api_fixture.ts";

interface Question {
  movie: { id: number; title: string; genres: string[]; ratingCount: number };
}

Deno.test({
  ...needsDataset("API onboarding on ml-latest-small"),
  async fn(t) {
    const loaded = await loadedStore();
    const app = testApp(loaded.store, { RATE_LIMIT_PER_MINUTE: "1000" });
    const ask = async (auth: Record<string, string>, query = "") => {
      const res = await app.request(`/api/onboarding${query}`, {
        headers: auth,
      });
      assert.equal(res.status, 200);
      return {
        res,
        items: (await res.json()).items as Question[],
      };
    };
    const answer = async (
      auth: Record<string, string>,
      movieId: number,
      type: string,
      value?: number,
    ) => {
      const res = await app.request(
        "/api/interactions",
        postJson({ movieId, type, value }, auth),
      );
      assert.equal(res.status, 201);
    };
    try {
      await t.step(
        "a new user is asked about the most rated movies first",
        async () => {
          const auth = await localAuth("new-user");
          const { items, res } = await ask(auth);
          assert.equal(res.headers.get("cache-control"), "private, no-store");
          assert.equal(items.length, 10);
          const counts = items.map((i) => i.movie.ratingCount);
          assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
          const top = (await loaded.store.movies.query({
            offset: 0,
            limit: 1,
            sort: "popular",
          })).items[0];
          assert.ok(counts[0] >= top.ratingCount);
          // the usual movie object
          assert.equal(typeof items[0].movie.title, "string");
          assert.ok(Array.isArray(items[0].movie.genres));
          assert.equal((await ask(auth, "?limit=50")).items.length, 50);
        },
      );

      await t.step("the next questions follow the answers", async () => {
        const first = (await ask(await localAuth("probe"))).items;
        const tastes = {
          // one likes what has Animation or Children in its genres, the other the rest
          kids: (q: Question) =>
            q.movie.genres.some((g) => g === "Animation" || g === "Children"),
          grown: (q: Question) =>
            !q.movie.genres.some((g) => g === "Animation" || g === "Children"),
        };
        const pages: Record<string, Question[]> = {};
        for (const [name, likes] of Object.entries(tastes)) {
          const auth = await localAuth(`taste-${name}`);
          let page = (await ask(auth)).items;
          // answer three pages: a 5 for what fits the taste, a skip otherwise
          const answered = new Set<number>();
          for (let p = 0; p < 3; p++) {
            for (const q of page) {
              assert.ok(!answered.has(q.movie.id), "asked twice");
              answered.add(q.movie.id);
              if (likes(q)) await answer(auth, q.movie.id, "rating", 5);
              else await answer(auth, q.movie.id, "skip");
            }
            page = (await ask(auth)).items;
          }
          assert.equal(page.length, 10);
          pages[name] = page;
        }
        // Popularity still weighs as much as the answers (the tuned default),
        // so a page is a mix: what tells is how each taste's page leans.
        const fit = (name: string, taste: keyof typeof tastes) =>
          pages[name].filter(tastes[taste]).length;
        assert.ok(
          fit("kids", "kids") > fit("grown", "kids") &&
            fit("kids", "kids") > first.filter(tastes.kids).length,
          `kids' page has ${fit("kids", "kids")} kids' movies, grown's ${
            fit("grown", "kids")
          }, the first page ${first.filter(tastes.kids).length}`,
        );
        assert.ok(fit("grown", "grown") > fit("kids", "grown"));
        const ids = (name: string) => pages[name].map((q) => q.movie.id);
        assert.notDeepEqual(ids("kids"), ids("grown"));
        assert.notDeepEqual(ids("kids"), first.map((q) => q.movie.id));
      });

      await t.step(
        "never a movie already rated, skipped, liked, disliked or viewed",
        async () => {
          const auth = await localAuth("everything");
          const page = (await ask(auth)).items.map((q) => q.movie.id);
          const types = ["rating", "skip", "like", "dislike", "view"];
          for (const [i, type] of types.entries()) {
            await answer(
              auth,
              page[i],
              type,
              type === "rating" ? 3 : undefined,
            );
          }
          const next = (await ask(auth, "?limit=50")).items.map((q) =>
            q.movie.id
          );
          for (const id of page.slice(0, types.length)) {
            assert.ok(!next.includes(id), `movie ${id} asked again`);
          }
          // the unanswered ones are still to be asked
          assert.ok(page.slice(types.length).every((id) => next.includes(id)));
        },
      );

      await t.step(
        "answers are cached per history: a new answer misses",
        async () => {
          const auth = await localAuth("cached");
          const first = await ask(auth);
          assert.equal(first.res.headers.get("x-cache"), "miss");
          const again = await ask(auth);
          assert.equal(again.res.headers.get("x-cache"), "hit-memory");
          assert.deepEqual(again.items, first.items);
          await answer(auth, first.items[0].movie.id, "skip");
          const after = await ask(auth);
          assert.equal(after.res.headers.get("x-cache"), "miss");
          assert.ok(
            after.items.every((q) => q.movie.id !== first.items[0].movie.id),
          );
        },
      );

      await t.step("bad input gets a 4xx problem", async () => {
        const auth = await localAuth("bad-input");
        for (
          const query of ["?limit=0", "?limit=51", "?limit=ten", "?limit=2.5"]
        ) {
          const res = await app.request(`/api/onboarding${query}`, {
            headers: auth,
          });
          const problem = await problemOf(res);
          assert.equal(problem.status, 400, query);
          assert.equal(problem.contentType, "application/problem+json");
          assert.match(problem.body.detail, /limit/);
        }
        const anonymous = await app.request("/api/onboarding");
        assert.equal(anonymous.status, 401);
        await anonymous.body?.cancel();
      });

      await t.step(
        "the OpenAPI document describes onboarding and skips",
        async () => {
          const doc = await (await app.request("/openapi.json")).json();
          const get = doc.paths["/api/onboarding"].get;
          assert.deepEqual(get.security, [{ bearerAuth: [] }]);
          const limit = get.parameters.find((p: { name: string }) =>
            p.name === "limit"
          );
          assert.equal(limit.schema.maximum, 50);
          assert.equal(limit.schema.default, 10);
          assert.ok(
            JSON.stringify(doc.components.schemas.InteractionInput).includes(
              '"skip"',
            ),
          );
        },
      );
    } finally {
      await loaded.close();
    }
  },
});
