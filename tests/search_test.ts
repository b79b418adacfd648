/**
 * Title search as people type it, through the API and through the pages, on
 * the real ml-latest-small (where "The Matrix" is filed "Matrix, The"): the
 * queries issue 18 found failing each bring the movie meant first.
 */
import assert from "node:assert/strict";
import { datasetTestName, hasDataset, webFixture } from "./web_fixture.ts";

/** Query → the movie people mean, which must come first. */
const MEANT: [string, number, string][] = [
  ["the matrix", 2571, "Matrix, The"],
  ["the dark knight", 58559, "Dark Knight, The"],
  ["the godfather", 858, "Godfather, The"],
  ["spiderman", 5349, "Spider-Man"],
  ["spider-man", 5349, "Spider-Man"],
  ["star wars empire", 1196, "Star Wars: Episode V - The Empire Strikes Back"],
  [
    "empire strikes back",
    1196,
    "Star Wars: Episode V - The Empire Strikes Back",
  ],
  ["les miserables", 73, "Misérables, Les"],
  ["amelie", 4973, "Amelie (Fabuleux destin d'Amélie Poulain, Le)"],
  ["MATRIX 1999", 2571, "Matrix, The"],
];

interface MoviePage {
  items: { id: number; title: string }[];
  total: number;
  correctedQuery: string | null;
}

Deno.test({
  name: datasetTestName("title search: the queries people type, API and pages"),
  ignore: !hasDataset,
  async fn(t) {
    const web = await webFixture();
    const api = async (query: Record<string, string>) => {
      const res = await web.request(
        `/api/movies?${new URLSearchParams(query)}`,
      );
      assert.equal(res.status, 200);
      return await res.json() as MoviePage;
    };
    try {
      await t.step("the API brings the meant movie first", async () => {
        for (const [q, id, title] of MEANT) {
          const page = await api({ q });
          assert.equal(page.items[0]?.id, id, `${q} → ${page.items[0]?.title}`);
          assert.equal(page.items[0].title, title);
          assert.equal(page.correctedQuery, null, q);
        }
        // All three films of the trilogy, and the whole title ahead of the rest.
        const godfather = await api({ q: "the godfather" });
        assert.deepEqual(
          godfather.items.slice(0, 3).map((m) => m.title),
          [
            "Godfather, The",
            "Godfather: Part II, The",
            "Godfather: Part III, The",
          ],
        );
        const knight = (await api({ q: "the dark knight" })).items.map((m) =>
          m.title
        );
        assert.ok(knight.includes("Dark Knight Rises, The"));
      });

      await t.step("a typo is corrected and said", async () => {
        for (
          const [q, corrected, id] of [
            ["matrx", "matrix", 2571],
            ["the godfater", "the godfather", 858],
            ["shawshank redemtion", "shawshank redemption", 318],
          ] as const
        ) {
          const page = await api({ q });
          assert.equal(page.correctedQuery, corrected, q);
          assert.equal(page.items[0]?.id, id, q);
        }
        const none = await api({ q: "zzqqxx" });
        assert.deepEqual([none.total, none.correctedQuery], [0, null]);
      });

      await t.step(
        "other sorts and filters still apply to the matches",
        async () => {
          const byYear = await api({ q: "matrix", sort: "year", order: "asc" });
          assert.equal(byYear.items[0].id, 2571);
          const years = await api({
            q: "star wars",
            yearFrom: "1980",
            yearTo: "1983",
          });
          assert.ok(years.items.length > 0);
          assert.ok(years.items.every((m) => /Star Wars/.test(m.title)));
          const paged = await api({ q: "star wars", page: "2", pageSize: "2" });
          assert.equal(paged.items.length, 2);
          assert.ok(paged.total > 4);
        },
      );

      await t.step("the search page shows the best match first", async () => {
        const html = await web.request("/movies?q=the+matrix").then((r) =>
          r.text()
        );
        assert.match(
          html,
          /<h2 class="movie-title"><a href="\/movies\/2571">The Matrix<\/a>/,
        );
        const first = /<h2 class="movie-title"><a href="\/movies\/(\d+)"/.exec(
          html,
        );
        assert.equal(first?.[1], "2571");
        assert.match(html, /<option\s+value="relevance" selected>Best match/);
        // Browsing without a title has no "Best match" to offer.
        const browse = await web.request("/movies").then((r) => r.text());
        assert.doesNotMatch(browse, /value="relevance"/);
      });

      await t.step("the page says what it searched for instead", async () => {
        const html = await web.request("/movies?q=matrx").then((r) => r.text());
        assert.match(
          html,
          /No titles match “matrx”\. Showing results for <a href="\/movies\?q=matrix"><strong>matrix<\/strong><\/a>/,
        );
        const first = /<h2 class="movie-title"><a href="\/movies\/(\d+)"/.exec(
          html,
        );
        assert.equal(first?.[1], "2571");
        const none = await web.request("/movies?q=zzqqxx").then((r) =>
          r.text()
        );
        assert.match(none, /No movie titles match “zzqqxx”/);
      });

      await t.step(
        "suggestions while typing follow the same ranking",
        async () => {
          const res = await web.request("/suggest?q=the%20matr");
          const items = await res.json() as { id: number; title: string }[];
          assert.equal(items[0].title, "The Matrix");
          const spider = await (await web.request("/suggest?q=spiderm")).json();
          assert.equal(spider[0].title, "Spider-Man");
        },
      );
    } finally {
      await web.close();
    }
  },
});
