/**
 * Posters fetched while the API runs are served without a restart:
 * `api/main.ts` as its own process on a loaded fixture store, then the
 * posters step as a second process (`deno task pipeline posters`) against
 * the TMDB stand-in writes the same SQLite file. Within
 * POSTER_REFRESH_SECONDS the API answers with the new poster paths, also
 * for a response its fast path had stored before the write.
 */
import assert from "node:assert/strict";
import { loadedDataDir, TINY_DATASET_ENV } from "./api_fixture.ts";
import { startServerProcess } from "./server_process.ts";
import { FIXTURE_POSTERS, startTmdbBridge } from "./tmdb_bridge.ts";

const KEY = "refresh-test-key";

/** `deno task pipeline posters …` as a second process on `dataDir`. */
async function runPostersStep(
  dataDir: string,
  options: { tmdbUrl: string; force?: boolean },
): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../pipeline/main.ts", import.meta.url).pathname,
      "posters",
      ...(options.force ? ["--force"] : []),
    ],
    env: {
      EMBEDDER: "tfidf",
      LOG_LEVEL: "error",
      DATA_DIR: dataDir,
      ...TINY_DATASET_ENV,
      TMDB_API_URL: options.tmdbUrl,
      TMDB_API_KEY: KEY,
      TMDB_REQUESTS_PER_SECOND: "50",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  return text;
}

/** Toy Story's `posterPath` and `X-Cache` as the API answers now. */
async function toyStory(url: string) {
  const res = await fetch(`${url}/api/movies/1`);
  const body = await res.json();
  assert.equal(res.status, 200);
  return { posterPath: body.posterPath, xCache: res.headers.get("x-cache") };
}

/** Polls until Toy Story's poster is `expected`; the last answer otherwise. */
async function awaitPoster(url: string, expected: string, withinMs: number) {
  const deadline = Date.now() + withinMs;
  let seen = await toyStory(url);
  while (seen.posterPath !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    seen = await toyStory(url);
  }
  return seen.posterPath;
}

Deno.test("posters: a posters step run while the API serves shows up without a restart", async () => {
  const movies = { ...FIXTURE_POSTERS };
  const tmdb = await startTmdbBridge({ apiKey: KEY, movies });
  const dir = await loadedDataDir(TINY_DATASET_ENV);
  const server = await startServerProcess({
    entry: "api/main.ts",
    dataDir: dir,
    env: { POSTER_REFRESH_SECONDS: "1" },
  });
  try {
    assert.equal((await toyStory(server.url)).posterPath, null);
    // stored by the fast path: the new poster must replace it too
    assert.deepEqual(await toyStory(server.url), {
      posterPath: null,
      xCache: "hit-memory",
    });

    const first = await runPostersStep(dir, { tmdbUrl: tmdb.url });
    assert.match(first, /found 6/);
    assert.equal(
      await awaitPoster(server.url, "/toy_story.jpg", 15_000),
      "/toy_story.jpg",
    );
    const list = await fetch(`${server.url}/api/movies?q=toy`).then((r) =>
      r.json()
    );
    assert.deepEqual(
      list.items.map((m: { posterPath: string | null }) => m.posterPath).sort(),
      ["/toy_story.jpg", "/toy_story_2.jpg"],
    );

    // TMDB changed a poster: a forced run replaces a path already served
    movies[862] = "/toy_story_remastered.jpg";
    await runPostersStep(dir, { tmdbUrl: tmdb.url, force: true });
    assert.equal(
      await awaitPoster(server.url, "/toy_story_remastered.jpg", 15_000),
      "/toy_story_remastered.jpg",
    );
  } finally {
    const { stderr } = await server.stop();
    await tmdb.close();
    await Deno.remove(dir, { recursive: true });
    assert.doesNotMatch(stderr, /Cannot (re-)?read the poster cache/);
  }
});
