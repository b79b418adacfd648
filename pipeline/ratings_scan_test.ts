import assert from "node:assert/strict";
import { ratingBatches } from "./parse_ratings.ts";

const FIXTURE = new URL("../tests/fixtures/movielens", import.meta.url)
  .pathname;

Deno.test("ratingBatches yields typed arrays in batches, timestamps in ms", async () => {
  const sizes: number[] = [];
  let first:
    | { user: number; movie: number; rating: number; ts: number }
    | undefined;
  for await (
    const batch of ratingBatches(`${FIXTURE}/ratings.csv`, { batchSize: 10 })
  ) {
    sizes.push(batch.size);
    first ??= {
      user: batch.userIds[0],
      movie: batch.movieIds[0],
      rating: batch.ratings[0],
      ts: batch.timestamps[0],
    };
    assert.ok(batch.ratings instanceof Float32Array);
  }
  assert.deepEqual(sizes, [10, 10, 10, 5]);
  // a batch size that divides the row count exactly loses nothing
  const exact: number[] = [];
  for await (
    const batch of ratingBatches(`${FIXTURE}/ratings.csv`, { batchSize: 7 })
  ) exact.push(batch.size);
  assert.deepEqual(exact, [7, 7, 7, 7, 7]);
  assert.equal(first!.user, 1);
  assert.equal(first!.ts, 964982703000);
});

Deno.test("a rating out of range names the file and line", async () => {
  const lines = ["userId,movieId,rating,timestamp"];
  for (let i = 0; i < 15; i++) lines.push(`1,${i + 1},4.0,964982703`);
  lines.push("1,99,7,964982703");
  const path = await writeTemp("ratings.csv", lines.join("\n") + "\n");
  await assert.rejects(collect(path), {
    message: 'ratings.csv line 17: expected rating 0.5 to 5, found "7"',
  });
});

Deno.test("wrong column count, bad ids and bad headers are clear errors", async () => {
  const short = await writeTemp(
    "ratings.csv",
    "userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,2,4.0\r\n",
  );
  await assert.rejects(collect(short), {
    message:
      "ratings.csv line 3: expected 4 columns (userId,movieId,rating,timestamp), found 3",
  });
  const badId = await writeTemp(
    "ratings.csv",
    "userId,movieId,rating,timestamp\nx1,1,4.0,964982703\n",
  );
  await assert.rejects(collect(badId), {
    message:
      'ratings.csv line 2: expected userId to be a positive integer, found "x1"',
  });
  const badHeader = await writeTemp(
    "ratings.csv",
    "user,movie,rating,timestamp\n1,1,4.0,964982703\n",
  );
  await assert.rejects(
    collect(badHeader),
    /ratings.csv line 1: expected header "userId,movieId,rating,timestamp"/,
  );
});

async function writeTemp(name: string, text: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return `${dir}/${name}`;
}

async function collect(path: string): Promise<number> {
  let rows = 0;
  for await (const batch of ratingBatches(path)) rows += batch.size;
  return rows;
}
