/**
 * Discovery in the web pages on the real ml-latest-small: TMDB posters on
 * cards and the movie page (sized, lazy, srcset, alt, initials beneath),
 * a CSP that allows exactly TMDB's image host, the TMDB attribution, and
 * "more like this, but…" as plain links that work without JavaScript.
 */
import assert from "node:assert/strict";
import { savePosterFixture } from "./api_fixture.ts";
import { datasetTestName, hasDataset, webFixture } from "./web_fixture.ts";

/** The years shown on the cards of a page's similar movies. */
function similarYears(html: string): number[] {
  const section = html.slice(html.indexOf('id="similar"'));
  return [...section.matchAll(/class="movie-meta">(\d{4})/g)].map((m) =>
    Number(m[1])
  );
}

Deno.test({
  name: datasetTestName(
    "posters, the TMDB attribution and steering on the movie page",
  ),
  ignore: !hasDataset,
  async fn(t) {
    const web = await webFixture(savePosterFixture);
    const page = async (path: string) => {
      const res = await web.request(path);
      assert.equal(res.status, 200, path);
      return { html: await res.text(), headers: res.headers };
    };
    try {
      await t.step(
        "the movie page shows its poster at once, sized, with every TMDB width",
        async () => {
          const { html, headers } = await page("/movies/1");
          const img =
            /<div class="poster movie-poster"[^>]*>(.*?)<\/div>/s.exec(html)
              ?.[1] ?? "";
          assert.match(
            img,
            /src="https:\/\/image\.tmdb\.org\/t\/p\/w342\/toy\.jpg"/,
          );
          for (const w of [92, 154, 185, 342, 500, 780]) {
            assert.match(img, new RegExp(`/t/p/w${w}/toy\\.jpg ${w}w`));
          }
          assert.match(img, /width="342"/);
          assert.match(img, /height="513"/);
          assert.match(img, /loading="eager"/);
          assert.match(img, /alt="Poster of Toy Story"/);
          assert.match(img, /data-initials="TS"/);
          const csp = headers.get("content-security-policy") ?? "";
          assert.ok(
            csp.split("; ").includes(
              "img-src 'self' data: https://image.tmdb.org",
            ),
            csp,
          );
          assert.match(
            html,
            /This product uses the TMDB API but is not endorsed or\s+certified by TMDB/,
          );
        },
      );

      await t.step(
        "cards load posters lazily over the initials; no poster keeps the initials alone",
        async () => {
          const { html } = await page("/movies?q=toy%20story&sort=title");
          const card =
            /<a href="\/movies\/3114" class="poster"[^>]*>(.*?)<\/a>/s.exec(
              html,
            )?.[1] ?? "";
          assert.match(card, /<span>TS<\/span>/);
          assert.match(
            card,
            /<img src="https:\/\/image\.tmdb\.org\/t\/p\/w185\/toy2\.jpg"/,
          );
          assert.match(card, /width="185" height="278"/);
          assert.match(card, /loading="lazy"/);
          const jumanji = await page("/movies/2");
          assert.doesNotMatch(jumanji.html, /movie-poster/);
          assert.doesNotMatch(jumanji.html, /image\.tmdb\.org\/t\/p/);
        },
      );

      await t.step(
        "similar movies steer newer and older through links",
        async () => {
          const plain = await page("/movies/1");
          assert.match(
            plain.html,
            /<h2 id="similar-heading">Similar movies<\/h2>/,
          );
          assert.match(plain.html, /href="\/movies\/1\?more=newer#similar"/);
          const newer = await page("/movies/1?more=newer");
          assert.match(newer.html, /Similar movies, but newer/);
          assert.match(
            newer.html,
            /href="\/movies\/1#similar" aria-current="true">Newer/,
          );
          const years = similarYears(newer.html);
          assert.equal(years.length, 12);
          assert.ok(years.every((y) => y > 1995), years.join(", "));
          const older = similarYears((await page("/movies/1?more=older")).html);
          assert.ok(
            older.length > 0 && older.every((y) => y < 1995),
            older.join(", "),
          );
        },
      );

      await t.step(
        "genre chips narrow to the movie's genres; other values are ignored",
        async () => {
          const comedy = await page("/movies/1?genre=Comedy&more=darker");
          assert.match(comedy.html, /Similar Comedy movies, but darker/);
          assert.match(
            comedy.html,
            /href="\/movies\/1\?more=darker#similar" aria-current="true">Comedy/,
          );
          assert.match(comedy.html, /Show all similar movies/);
          const ignored = await page("/movies/1?genre=Horror&more=weirder");
          assert.match(
            ignored.html,
            /<h2 id="similar-heading">Similar movies<\/h2>/,
          );
        },
      );
      await t.step(
        "the header searches by description; results say why they matched",
        async () => {
          const home = await page("/");
          assert.match(
            home.html,
            /<form class="header-search" action="\/search"/,
          );
          const pixar = await page("/search?q=pixar");
          assert.match(pixar.html, /Movies about “pixar”/);
          assert.match(pixar.html, /<a href="\/movies\/1">Toy Story<\/a>/);
          assert.match(pixar.html, /<p class="explanation">Tagged pixar<\/p>/);
          // A whole title still comes first.
          const heat = await page("/search?q=heat");
          const first = /<h2 class="movie-title"><a href="\/movies\/(\d+)">/
            .exec(heat.html);
          assert.equal(first?.[1], "6");
          const eighties = await page(
            "/search?q=comedy&genre=Romance&yearFrom=1980&yearTo=1989",
          );
          const years = [
            ...eighties.html.matchAll(/class="movie-meta">(\d{4})/g),
          ].map((m) => Number(m[1]));
          assert.ok(years.length > 0);
          assert.ok(
            years.every((y) => y >= 1980 && y <= 1989),
            years.join(", "),
          );
          assert.match(eighties.html, /<option\s+value="Romance"\s+selected>/);
          const reversed = await web.request(
            "/search?q=comedy&yearFrom=1990&yearTo=1980",
          );
          assert.equal(reversed.status, 400);
          assert.match(
            await reversed.text(),
            /Please change the search: yearTo: must not be before yearFrom/,
          );
          const empty = await page("/search");
          assert.match(empty.html, /href="\/search\?q=space%20horror"/);
          const long = await web.request(`/search?q=${"a".repeat(201)}`);
          assert.equal(long.status, 400);
          assert.match(await long.text(), /Please change the search: q:/);
        },
      );
      assert.deepEqual(web.errors, []);
    } finally {
      await web.close();
    }
  },
});
