/**
 * GET /api/search on a store the pipeline loaded with the real
 * ml-latest-small (TF-IDF): ranking by description, titles first, filters,
 * reasons, paging and bad input.
 */
import assert from "node:assert/strict";
import {
  loadedStore,
  needsDataset,
  problemOf,
  testApp,
} from "./api_fixture.ts";

interface SearchBody {
  query: string;
  matchedBy: string;
  model: string | null;
  total: number;
  page: number;
  pageSize: number;
  items: {
    movie: { id: number; title: string; year: number | null; genres: string[] };
    score: number;
    match: {
      title: boolean;
      genres: string[];
      tags: string[];
      decade: number | null;
      text: string;
    };
  }[];
}

Deno.test({
  ...needsDataset("GET /api/search ranks by description, titles first"),
  async fn(t) {
    const loaded = await loadedStore();
    const app = testApp(loaded.store);
    const search = async (query: string): Promise<SearchBody> => {
      const res = await app.request(`/api/search?${query}`);
      assert.equal(res.status, 200, await res.clone().text());
      return await res.json();
    };
    try {
      await t.step(
        "a description finds movies tagged with it, and says so",
        async () => {
          const body = await search("q=pixar");
          assert.equal(body.matchedBy, "description");
          assert.equal(body.model, "tfidf");
          const titles = body.items.map((i) => i.movie.title);
          assert.ok(titles.includes("Toy Story"), titles.join(", "));
          assert.ok(titles.includes("Up"), titles.join(", "));
          for (const item of body.items) {
            assert.deepEqual(item.match.tags, ["pixar"]);
            assert.equal(item.match.text, "Tagged pixar");
          }
        },
      );

      await t.step("a multi-word tag beats its single words", async () => {
        const body = await search("q=dark%20comedy&pageSize=5");
        const [first] = body.items;
        assert.ok(first.match.tags.includes("dark comedy"), first.match.text);
        assert.ok(!first.match.tags.includes("dark"), first.match.text);
      });

      await t.step("typing a title finds it first", async () => {
        for (
          const [q, title] of [
            ["toy%20story", "Toy Story"],
            ["the%20godfather", "Godfather, The"],
            ["matrix", "Matrix, The"],
            ["Amelie", "Amelie (Fabuleux destin d'Amélie Poulain, Le)"],
          ]
        ) {
          const body = await search(`q=${q}`);
          assert.equal(body.items[0].movie.title, title, q);
          assert.equal(body.items[0].match.title, true);
          assert.match(body.items[0].match.text, /^Title match/);
        }
      });

      await t.step(
        "an unfinished last word still finds the title",
        async () => {
          const body = await search("q=termina");
          assert.equal(body.matchedBy, "title");
          assert.equal(body.model, null);
          assert.ok(
            body.items.some((i) => i.movie.title === "Terminator, The"),
          );
        },
      );

      await t.step("genre and year filters apply before ranking", async () => {
        const body = await search(
          "q=time%20travel&genre=Comedy&yearFrom=1980&yearTo=1989",
        );
        assert.ok(body.items.length > 0);
        for (const { movie } of body.items) {
          assert.ok(movie.genres.includes("Comedy"), movie.title);
          assert.ok(movie.year! >= 1980 && movie.year! <= 1989, movie.title);
        }
        assert.ok(
          body.items.some((i) => i.movie.title === "Back to the Future"),
        );
      });

      await t.step("the decade a query names is a reason", async () => {
        const body = await search("q=80s%20comedy&pageSize=50");
        assert.ok(body.items.some((i) => i.match.decade === 1980));
      });

      await t.step("pages do not overlap and total is capped", async () => {
        const first = await search("q=comedy&pageSize=10");
        const second = await search("q=comedy&pageSize=10&page=2");
        assert.equal(first.total, 100);
        const ids = new Set(first.items.map((i) => i.movie.id));
        assert.ok(second.items.every((i) => !ids.has(i.movie.id)));
        const beyond = await search("q=comedy&pageSize=50&page=3");
        assert.deepEqual(beyond.items, []);
      });

      await t.step(
        "unknown words give an empty list, not an error",
        async () => {
          const body = await search("q=xqzzyv%20wubble");
          assert.equal(body.total, 0);
          assert.deepEqual(body.items, []);
        },
      );

      await t.step("results are cacheable and cached", async () => {
        const a = await app.request("/api/search?q=heist");
        assert.equal(a.headers.get("cache-control"), "public, max-age=60");
        assert.equal(a.headers.get("x-cache"), "miss");
        const b = await app.request("/api/search?q=%20Heist%20");
        assert.match(b.headers.get("x-cache") ?? "", /^hit/);
        assert.deepEqual((await b.json()).items, (await a.json()).items);
      });

      await t.step(
        "bad input is a 400 problem naming the parameter",
        async () => {
          for (
            const [query, param] of [
              ["", "q"],
              ["q=%20%20", "q"],
              [`q=${"a".repeat(201)}`, "q"],
              ["q=x&yearFrom=2000&yearTo=1990", "yearTo"],
              ["q=x&pageSize=51", "pageSize"],
              ["q=x&page=0", "page"],
              ["q=x&genre=Nope", "genre"],
            ]
          ) {
            const res = await app.request(`/api/search?${query}`);
            const { status, contentType, body } = await problemOf(res);
            assert.equal(status, 400, query);
            assert.equal(contentType, "application/problem+json");
            assert.ok(body.errors?.some((e) => e.name === param), query);
          }
        },
      );
    } finally {
      await loaded.close();
    }
  },
});
