import assert from "node:assert/strict";
import type { Movie } from "../core/types.ts";
import { fitVocabulary } from "../core/text/tfidf.ts";
import { minilmEmbedder } from "../pipeline/embedders/minilm.ts";
import {
  TINY_MODEL_NAME,
  writeTinyModel,
} from "../tests/fixtures/make_tiny_model.ts";
import {
  type DescriptionMatcher,
  minilmMatcher,
  type MinilmMatcherOptions,
  SearchBusyError,
  tfidfMatcher,
} from "./description_matcher.ts";
import { MemoryVectorIndex } from "./vector_search.ts";

const movie = (
  id: number,
  title: string,
  genres: string[],
  tags: string[] = [],
): Movie => ({
  id,
  title,
  year: 2000,
  genres,
  tags,
  imdbId: null,
  tmdbId: null,
});
const movies = [
  movie(1, "Toy Story", ["Animation", "Comedy"], ["pixar"]),
  movie(2, "Alien", ["Horror", "Sci-Fi"], ["space"]),
  movie(3, "Heat", ["Crime"], ["heist"]),
  movie(4, "Airplane!", ["Comedy"]),
];

function collecting() {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    logger: {
      info: (message: string) => lines.push({ level: "info", message }),
      warning: (message: string) => lines.push({ level: "warning", message }),
    },
  };
}

Deno.test("tfidf matcher finds movies sharing the query's features, none for unknown words", async () => {
  const matcher = tfidfMatcher(fitVocabulary(movies));
  matcher.add(movies);
  const found = await matcher.nearest("scary movie in space", 10);
  assert.equal(found?.[0].movieId, 2);
  assert.deepEqual(
    (await matcher.nearest("funny", 10))?.map((s) => s.movieId).sort(),
    [1, 4],
  );
  assert.deepEqual(
    (await matcher.nearest("funny", 10, (id) => id !== 4))?.map((s) =>
      s.movieId
    ),
    [1],
  );
  assert.equal(await matcher.nearest("xqzzy", 10), null);
});

async function tinyIndex(modelDir: string) {
  const embedder = minilmEmbedder({
    model: TINY_MODEL_NAME,
    modelDir,
    allowRemote: false,
    batchSize: 8,
  });
  const vectors = await embedder.embed(movies);
  await embedder.dispose();
  const dim = vectors[0].length;
  const packed = new Float32Array(movies.length * dim);
  vectors.forEach((v, i) => packed.set(v, i * dim));
  return new MemoryVectorIndex(
    { ids: Int32Array.from(movies, (m) => m.id), dim, vectors: packed },
    "minilm",
  );
}

/** A MiniLM matcher over the tiny model, with `options` on top. */
async function tinyMatcher(
  options: Partial<MinilmMatcherOptions> = {},
): Promise<DescriptionMatcher> {
  const modelDir = await Deno.makeTempDir({ prefix: "tiny_model_" });
  await writeTinyModel(modelDir);
  return minilmMatcher({
    index: await tinyIndex(modelDir),
    name: TINY_MODEL_NAME,
    dtype: "fp32",
    modelDir,
    allowRemote: false,
    ...options,
  });
}

Deno.test("minilm matcher loads the model on the first query only, and keeps it", async () => {
  const { lines, logger } = collecting();
  const matcher = await tinyMatcher({ logger });
  assert.deepEqual(lines, []);
  const first = await matcher.nearest("toy story", 2);
  assert.equal(first?.[0].movieId, 1);
  await Promise.all([matcher.nearest("space", 2), matcher.nearest("heist", 2)]);
  assert.deepEqual(lines, [{ level: "info", message: "Search model loaded" }]);
});

Deno.test("minilm matcher without its model answers null, logs once, retries later", async () => {
  const modelDir = await Deno.makeTempDir({ prefix: "tiny_model_" });
  await writeTinyModel(modelDir);
  const index = await tinyIndex(modelDir);
  const empty = await Deno.makeTempDir({ prefix: "no_model_" });
  const { lines, logger } = collecting();
  let now = 0;
  const matcher = minilmMatcher({
    index,
    name: TINY_MODEL_NAME,
    dtype: "fp32",
    modelDir: empty,
    allowRemote: false,
    logger,
    retryAfterMs: 1000,
    now: () => now,
  });
  assert.deepEqual(
    await Promise.all([matcher.nearest("toy", 2), matcher.nearest("toy", 2)]),
    [null, null],
  );
  assert.equal(lines.length, 1);
  assert.match(lines[0].message, /Cannot load the search model/);
  // within the retry window nothing is tried
  await Deno.remove(empty, { recursive: true });
  await Deno.mkdir(empty);
  await writeTinyModel(empty);
  now = 500;
  assert.equal(await matcher.nearest("toy", 2), null);
  assert.equal(lines.length, 1);
  // after it, the model (now present) loads
  now = 1500;
  assert.equal((await matcher.nearest("toy story", 2))?.[0].movieId, 1);
  assert.equal(lines.at(-1)?.message, "Search model loaded");
});

Deno.test("minilm matcher refuses queries beyond maxWaiting instead of queueing them", async () => {
  const matcher = await tinyMatcher({ maxWaiting: 1 });
  await matcher.nearest("warm", 1);
  const results = await Promise.allSettled([
    matcher.nearest("toy", 1),
    matcher.nearest("space", 1),
  ]);
  assert.equal(results[0].status, "fulfilled");
  assert.equal(results[1].status, "rejected");
  assert.ok(
    (results[1] as PromiseRejectedResult).reason instanceof SearchBusyError,
  );
  // once the burst is over, queries run again
  assert.ok(await matcher.nearest("heist", 1));
});
