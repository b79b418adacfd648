/**
 * How long `pipeline load` holds SQLite's write lock per transaction, by its
 * size: ml-latest-small's ratings upserted into a fresh store N rows at a
 * time, each upsert timed (it is one write transaction). The API's writes
 * wait (asynchronously) about one transaction while a load runs beside it;
 * pipeline/load.ts commits every `commitEvery` rows.
 *
 *   deno run -A tools/bench/load_lock.ts [dataset dir] [sizes…]
 * @module
 */
import { MOVIELENS_USER_PREFIX } from "../../pipeline/load.ts";
import { datasetRatingBatches } from "../../pipeline/dataset.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import type { Interaction } from "../../core/types.ts";

const dataset = Deno.args[0] ?? "../shared/data/ml-latest-small";
const sizes = Deno.args.length > 1
  ? Deno.args.slice(1).map(Number)
  : [1000, 2000, 5000, 10000];

for (const size of sizes) {
  const dir = await Deno.makeTempDir({ prefix: "load_lock_" });
  const store = await openSqliteStore(`${dir}/movielens.db`);
  const held: number[] = [];
  for await (
    const batch of datasetRatingBatches(dataset, { batchSize: size })
  ) {
    const rows: Interaction[] = Array.from({ length: batch.size }, (_, i) => ({
      userId: `${MOVIELENS_USER_PREFIX}${batch.userIds[i]}`,
      movieId: batch.movieIds[i],
      type: "rating",
      value: batch.ratings[i],
      timestamp: batch.timestamps[i],
    }));
    const started = performance.now();
    await store.interactions.upsert(rows);
    held.push(performance.now() - started);
  }
  held.sort((a, b) => a - b);
  const at = (q: number) =>
    held[Math.min(held.length - 1, Math.floor(held.length * q))];
  console.log(
    `batch ${size}: ${held.length} commits, lock held median ${
      at(0.5).toFixed(1)
    } ms, p90 ${at(0.9).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`,
  );
  await store.close();
  await Deno.remove(dir, { recursive: true });
}
