/**
 * Discovery on the real ml-latest-small: poster paths reach every API
 * answer that lists movies, from the cache the posters step stores (an
 * unreadable cache costs the posters, never the answer), and similar
 * movies can be steered ("more like this, but newer", …) or narrowed.
 */
import assert from "node:assert/strict";
import { POSTER_CACHE_KEY } from "../store/posters.ts";
import { genreTone as tone } from "../core/recommenders/tone.ts";
import {
  collectingLogger,
  loadedStore,
  needsDataset,
  problemOf,
  savePosterFixture,
  testApp,
} from "./api_fixture.ts";

interface Listed {
  id: number;
  posterPath: string | null;
}

Deno.test({
  ...needsDataset(
    "movies carry their TMDB poster path in lists, details, search and similar",
  ),
  async fn() {
    const loaded = await loadedStore();
    try {
      // Toy Story (1), Toy Story 2 (3114); Jumanji (2) has no poster.
      await savePosterFixture(loaded.store);
      const app = testApp(loaded.store);
      const get = async (path: string) => {
        const res = await app.request(path);
        assert.equal(res.status, 200, await res.clone().text());
        return await res.json();
      };
      const poster = (items: Listed[], id: number) =>
        items.find((m) => m.id === id)?.posterPath;

      const list = await get("/api/movies?q=toy%20story&sort=title");
      assert.equal(poster(list.items, 1), "/toy.jpg");
      assert.equal(poster(list.items, 3114), "/toy2.jpg");
      assert.equal((await get("/api/movies/1")).posterPath, "/toy.jpg");
      assert.equal((await get("/api/movies/2")).posterPath, null);
      const search = await get("/api/search?q=toy%20story");
      assert.equal(
        poster(search.items.map((i: { movie: Listed }) => i.movie), 1),
        "/toy.jpg",
      );
      const similar = await get("/api/recommendations/item/1?limit=50");
      const movies: Listed[] = similar.items.map((i: { movie: Listed }) =>
        i.movie
      );
      assert.ok(movies.every((m) => "posterPath" in m));
      assert.equal(poster(movies, 3114), "/toy2.jpg");
    } finally {
      await loaded.close();
    }
  },
});

Deno.test({
  ...needsDataset(
    "an unreadable poster cache is logged and movies go out without posters",
  ),
  async fn() {
    const loaded = await loadedStore();
    try {
      await loaded.store.meta.setBlob(
        POSTER_CACHE_KEY,
        new TextEncoder().encode("{not json"),
      );
      const { logger, lines } = collectingLogger();
      const app = testApp(loaded.store, {}, { logger });
      const res = await app.request("/api/movies/1");
      assert.equal(res.status, 200);
      assert.equal((await res.json()).posterPath, null);
      assert.ok(
        lines.some((l) => /Cannot read the poster cache/.test(l)),
        lines.join("\n"),
      );
    } finally {
      await loaded.close();
    }
  },
});

interface SimilarItem {
  movie: {
    id: number;
    year: number | null;
    genres: string[];
    ratingCount: number;
  };
  score: number;
}

Deno.test({
  ...needsDataset(
    "similar movies steered newer, older, lighter, darker, more popular, or to a genre",
  ),
  async fn(t) {
    const loaded = await loadedStore();
    try {
      const app = testApp(loaded.store);
      const similar = async (query: string) => {
        const res = await app.request(`/api/recommendations/item/${query}`);
        assert.equal(res.status, 200, await res.clone().text());
        return await res.json() as {
          steer: string | null;
          genre: string | null;
          items: SimilarItem[];
        };
      };
      // Toy Story: 1995, every genre light (tone 1), 215 ratings.
      const plain = await similar("1?limit=12");
      assert.equal(plain.steer, null);
      const plainIds = plain.items.map((i) => i.movie.id);

      await t.step("newer and older", async () => {
        const newer = await similar("1?limit=12&steer=newer");
        assert.equal(newer.steer, "newer");
        assert.equal(newer.items.length, 12);
        assert.ok(newer.items.every((i) => i.movie.year! > 1995));
        assert.notDeepEqual(newer.items.map((i) => i.movie.id), plainIds);
        const older = await similar("1?limit=12&steer=older");
        assert.equal(older.items.length, 12);
        assert.ok(older.items.every((i) => i.movie.year! < 1995));
      });

      await t.step("darker and lighter", async () => {
        const darker = await similar("1?limit=12&steer=darker");
        assert.equal(darker.items.length, 12);
        assert.ok(darker.items.every((i) => tone(i.movie.genres) < 1));
        // Se7en (47): Mystery and Thriller, tone -1.
        const lighter = await similar("47?limit=12&steer=lighter");
        assert.equal(lighter.items.length, 12);
        assert.ok(lighter.items.every((i) => tone(i.movie.genres) > -1));
      });

      await t.step(
        "darker than the darkest genres: read from the text",
        async () => {
          // The Shawshank Redemption (318): Crime and Drama, tone -1 already,
          // so no movie is darker by genres; the text's tone still tells.
          const darker = await similar("318?limit=12&steer=darker");
          assert.equal(darker.items.length, 12);
          assert.ok(darker.items.every((i) => tone(i.movie.genres) === -1));
          // The Princess Bride (1197): every genre light or neutral.
          const lighter = await similar("1197?limit=12&steer=lighter");
          assert.equal(lighter.items.length, 12);
          assert.ok(lighter.items.every((i) => tone(i.movie.genres) === 1));
        },
      );

      await t.step(
        "more popular, ranked by similarity and ratings",
        async () => {
          const popular = await similar("1?limit=12&steer=popular");
          assert.equal(popular.items.length, 12);
          // Toy Story is already well known: the floor is a tenth of the
          // most rated movie's 329 ratings.
          assert.ok(popular.items.every((i) => i.movie.ratingCount > 32.9));
          const mean = (items: SimilarItem[]) =>
            items.reduce((sum, i) => sum + i.movie.ratingCount, 0) /
            items.length;
          assert.ok(
            mean(popular.items) > 1.5 * mean(plain.items),
            `${mean(popular.items)} vs ${mean(plain.items)} ratings on average`,
          );
        },
      );

      await t.step("a genre narrows, alone or with a steer", async () => {
        const horror = await similar("1?limit=5&genre=Horror");
        assert.equal(horror.genre, "Horror");
        assert.ok(horror.items.length > 0);
        assert.ok(horror.items.every((i) => i.movie.genres.includes("Horror")));
        const both = await similar("1?limit=5&genre=Comedy&steer=newer");
        assert.ok(
          both.items.every((i) =>
            i.movie.genres.includes("Comedy") && i.movie.year! > 1995
          ),
        );
      });

      await t.step(
        "a bad steer or an unknown genre is a 400 problem",
        async () => {
          const bad = await app.request(
            "/api/recommendations/item/1?steer=weirder",
          );
          assert.equal(bad.status, 400);
          assert.match((await problemOf(bad)).body.detail, /steer/);
          const genre = await app.request(
            "/api/recommendations/item/1?genre=Nope",
          );
          assert.equal(genre.status, 400);
          assert.match(
            (await problemOf(genre)).body.detail,
            /unknown genre "Nope"/,
          );
        },
      );
    } finally {
      await loaded.close();
    }
  },
});
