import assert from "node:assert/strict";
import { ratingBatches } from "./ratings_scan.ts";

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

Deno.test("unusual but valid lines read as the CSV parser read them: BOM, CRLF, spaces, quotes, empty lines, no last newline", async () => {
  const text = "\uFEFFuserId,movieId,rating,timestamp\r\n" +
    "1,10,4.0,964982703\r\n" +
    "\r\n" +
    ' 2 , 20 ,"3.5", 964982704\n' +
    "3,30,5,964982705\n" +
    "\n" +
    '"4","40",0.5,"964982706"';
  const path = await writeTemp("ratings.csv", text);
  const rows: number[][] = [];
  for await (const batch of ratingBatches(path, { batchSize: 3 })) {
    for (let i = 0; i < batch.size; i++) {
      rows.push([
        batch.userIds[i],
        batch.movieIds[i],
        batch.ratings[i],
        batch.timestamps[i] / 1000,
        batch.lines[i],
      ]);
    }
  }
  assert.deepEqual(rows, [
    [1, 10, 4, 964982703, 2],
    [2, 20, 3.5, 964982704, 4],
    [3, 30, 5, 964982705, 5],
    [4, 40, 0.5, 964982706, 7],
  ]);
});

Deno.test("a file of several megabytes reads whole across buffer refills, in order", async () => {
  const lines = ["userId,movieId,rating,timestamp"];
  for (let i = 0; i < 120_000; i++) {
    lines.push(
      `${1 + (i >> 7)},${1 + (i * 31) % 99_991},${(1 + (i % 10)) / 2},${
        1_000_000_000 + i
      }`,
    );
  }
  const path = await writeTemp("ratings.csv", lines.join("\n") + "\n");
  let i = 0;
  for await (const batch of ratingBatches(path, { batchSize: 50_000 })) {
    for (let r = 0; r < batch.size; r++, i++) {
      assert.equal(batch.userIds[r], 1 + (i >> 7));
      assert.equal(batch.movieIds[r], 1 + (i * 31) % 99_991);
      assert.equal(batch.ratings[r], (1 + (i % 10)) / 2);
      assert.equal(batch.timestamps[r], (1_000_000_000 + i) * 1000);
      assert.equal(batch.lines[r], i + 2);
    }
  }
  assert.equal(i, 120_000);
});

Deno.test("a line longer than the read buffer is still one line, with its number in the error", async () => {
  const long = `1,2,4.0,${"9".repeat(3_000_000)}`;
  const path = await writeTemp(
    "ratings.csv",
    `userId,movieId,rating,timestamp\n1,1,4.0,964982703\n${long}\n`,
  );
  await assert.rejects(collect(path), (error: Error) => {
    assert.match(
      error.message,
      /^ratings.csv line 3: expected timestamp in seconds since 1970, found "9{1000}/,
    );
    return true;
  });
  const empty = await writeTemp("ratings.csv", "\n\n");
  await assert.rejects(collect(empty), {
    message:
      'ratings.csv line 1: expected header "userId,movieId,rating,timestamp", found an empty file',
  });
});
