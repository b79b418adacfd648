import assert from "node:assert/strict";
import {
  parseGenres,
  parseMovies,
  parseTitle,
  readMovies,
} from "./parse_movies.ts";
import { ratingBatches } from "./ratings_scan.ts";

const FIXTURE = new URL("../tests/fixtures/movielens", import.meta.url)
  .pathname;

Deno.test("parseTitle splits the year and keeps titles without one", () => {
  assert.deepEqual(parseTitle("Toy Story (1995)"), {
    title: "Toy Story",
    year: 1995,
  });
  assert.deepEqual(parseTitle("Runaway Brain (1995) "), {
    title: "Runaway Brain",
    year: 1995,
  });
  assert.deepEqual(parseTitle("Death Note: Desu nôto (2006–2007)"), {
    title: "Death Note: Desu nôto",
    year: 2006,
  });
  assert.deepEqual(parseTitle("Babylon 5"), { title: "Babylon 5", year: null });
  assert.deepEqual(parseTitle("1984 (1984)"), { title: "1984", year: 1984 });
  // a bare year is a title, not a year
  assert.deepEqual(parseTitle("(2019)"), { title: "(2019)", year: null });
});

Deno.test("parseGenres maps (no genres listed) to []", () => {
  assert.deepEqual(parseGenres("(no genres listed)"), []);
  assert.deepEqual(parseGenres("Action|Sci-Fi"), ["Action", "Sci-Fi"]);
});

Deno.test("readMovies handles BOM, CRLF, quoted commas, links and tags", async () => {
  const movies = await readMovies(FIXTURE);
  assert.equal(movies.length, 12);
  const byId = new Map(movies.map((m) => [m.id, m]));
  assert.deepEqual(byId.get(1), {
    id: 1,
    title: "Toy Story",
    year: 1995,
    genres: ["Adventure", "Animation", "Children", "Comedy", "Fantasy"],
    tags: ["pixar", "fun"],
    imdbId: "tt0114709",
    tmdbId: 862,
  });
  assert.equal(
    byId.get(4)!.title,
    "Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)",
  );
  assert.equal(byId.get(4)!.year, 1966);
  assert.equal(byId.get(5)!.title, "Pocahontas II: Journey to a New World");
  assert.deepEqual(byId.get(6)!.genres, []);
  assert.equal(byId.get(6)!.year, 2006);
  assert.equal(byId.get(7)!.year, null);
  assert.equal(byId.get(5)!.tmdbId, null);
  assert.equal(
    byId.get(11)!.title,
    "Amélie (Fabuleux destin d'Amélie Poulain. Le)",
  );
  // most frequent first, lower-cased, trimmed, distinct
  assert.deepEqual(byId.get(10)!.tags, ["aliens", "space marines"]);
  assert.deepEqual(byId.get(9)!.tags, ["aliens", "space, horror"]);
  assert.deepEqual(
    movies.map((m) => m.id),
    [...movies.map((m) => m.id)].sort((a, b) => a - b),
  );
});

Deno.test("a movie id listed twice is a clear error", async () => {
  const dupe = await writeTemp(
    "movies.csv",
    "movieId,title,genres\n1,A (2000),Drama\n1,B (2001),Drama\n",
  );
  await assert.rejects(parseMovies(dupe), {
    message: "movies.csv line 3: expected each movieId once, found 1 again",
  });
});

async function writeTemp(name: string, text: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return `${dir}/${name}`;
}

const SHARED = new URL("../../shared/data/ml-latest-small", import.meta.url)
  .pathname;
const hasShared = await Deno.stat(SHARED).then(() => true, () => false);

Deno.test({
  name: "the real ml-latest-small parses to 9742 movies and 100836 ratings",
  ignore: !hasShared,
  async fn() {
    const movies = await readMovies(SHARED);
    assert.equal(movies.length, 9742);
    assert.equal(movies.filter((m) => m.year === null).length < 20, true);
    assert.ok(
      movies.every((m) => m.title === m.title.trim() && m.title !== ""),
    );
    let rows = 0;
    for await (const batch of ratingBatches(`${SHARED}/ratings.csv`)) {
      rows += batch.size;
    }
    assert.equal(rows, 100836);
  },
});
if (!hasShared) {
  console.warn(`skipping real-data parse test: ${SHARED} is absent`);
}
