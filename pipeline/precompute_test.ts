import assert from "node:assert/strict";
import {
  decodeServingArtifact,
  servingArtifactKey,
} from "../store/serving_artifact.ts";
import {
  FIXTURE_DATASET,
  tempPipeline,
} from "../tests/fixtures/pipeline_context.ts";
import { embedStep } from "./embed.ts";
import { loadStep } from "./load.ts";
import { computeMovieStats, precomputeStep } from "./precompute.ts";

async function loadedPipeline() {
  const p = await tempPipeline({
    MOVIELENS_DIR: FIXTURE_DATASET,
    EMBEDDER: "tfidf",
    NEIGHBOURS_K: "4",
  });
  await embedStep(p);
  await loadStep(p);
  return p;
}

Deno.test("precompute writes stats, k neighbours without the movie itself, and the artifact", async () => {
  const p = await loadedPipeline();
  const result = await precomputeStep(p);
  assert.equal(result.skipped, false);

  const ratings = (await Array.fromAsync(p.store.interactions.scan()))
    .flat().filter((i) => i.movieId === 1).map((i) => i.value!);
  const toyStory = (await p.store.movies.get(1))!;
  assert.equal(toyStory.ratingCount, ratings.length);
  assert.ok(
    Math.abs(
      toyStory.ratingMean - ratings.reduce((a, b) => a + b, 0) / ratings.length,
    ) < 1e-6,
  );
  assert.equal(
    toyStory.ratingHistogram.reduce((a, b) => a + b, 0),
    ratings.length,
  );

  for (const id of await p.store.movies.ids()) {
    const neighbours = await p.store.neighbours.get(id, 10);
    assert.equal(neighbours.length, 4);
    assert.ok(neighbours.every((n) => n.movieId !== id));
    for (let i = 1; i < neighbours.length; i++) {
      assert.ok(neighbours[i - 1].score >= neighbours[i].score);
    }
  }
  // Toy Story's nearest neighbour is Toy Story 2
  assert.equal((await p.store.neighbours.get(1, 1))[0].movieId, 8);

  const artifact = decodeServingArtifact(
    (await p.objects.read(servingArtifactKey("tfidf")))!,
  );
  assert.equal(artifact.ids.length, 12);
  assert.equal(artifact.neighbours?.k, 4);
  // row 0 is Toy Story; its packed neighbours match the stored ones
  assert.deepEqual(
    [...artifact.neighbours!.ids.subarray(0, 4)],
    (await p.store.neighbours.get(1, 4)).map((n) => n.movieId),
  );
  assert.equal(artifact.stats?.ratingCount[0], ratings.length);

  assert.equal((await precomputeStep(p)).skipped, true);
  await p.close();
});

Deno.test("new app ratings make precompute run again and count in the stats", async () => {
  const p = await loadedPipeline();
  await precomputeStep(p);
  const before = (await p.store.movies.get(7))!.ratingCount;
  await p.store.interactions.upsert([{
    userId: "app-user",
    movieId: 7,
    type: "rating",
    value: 5,
    timestamp: Date.now(),
  }, {
    userId: "app-user",
    movieId: 8,
    type: "like",
    value: null,
    timestamp: Date.now(),
  }, {
    // "haven't seen it" never counts as a rating
    userId: "app-user",
    movieId: 7,
    type: "skip",
    value: null,
    timestamp: Date.now(),
  }, {
    userId: "other-app-user",
    movieId: 7,
    type: "skip",
    value: null,
    timestamp: Date.now(),
  }]);
  assert.equal((await precomputeStep(p)).skipped, false);
  assert.equal((await p.store.movies.get(7))!.ratingCount, before + 1);
  const stats = await computeMovieStats(p.store);
  assert.equal(stats.length, 12);
  await p.close();
});

Deno.test("precompute before load is a clear error", async () => {
  const p = await tempPipeline({ EMBEDDER: "tfidf" });
  await assert.rejects(
    precomputeStep(p),
    /run `deno task pipeline load` first/,
  );
  await p.close();
});
