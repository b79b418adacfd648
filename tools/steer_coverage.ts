/**
 * How well "more like this, but…" fills its list: for the most rated
 * movies of a loaded store, the share of steered lists with all 12 movies
 * and their mean similarity beside the plain similar list's.
 *
 *   DATA_DIR=<a loaded store> deno run -A tools/steer_coverage.ts [--movies 500]
 */
import { configFromEnv } from "../config/mod.ts";
import { STEERS } from "../core/recommenders/steer.ts";
import { buildServing } from "../serving/mod.ts";
import { openObjectStorage, openStore } from "../store/mod.ts";

const LIMIT = 12;

if (import.meta.main) {
  const flag = Deno.args.indexOf("--movies");
  const count = flag >= 0 ? Number(Deno.args[flag + 1]) : 500;
  const config = configFromEnv();
  const store = await openStore(config);
  try {
    const serving = await buildServing(store, config, {
      objects: openObjectStorage(config),
    });
    const ids = (await store.movies.query({ offset: 0, limit: count }))
      .items.map((m) => m.id);
    const mean = (xs: number[]) =>
      xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    const plain = await Promise.all(
      ids.map((id) => serving.similar(id, LIMIT)),
    );
    console.log(
      `${ids.length} most popular movies of ${config.dataDir}, ${LIMIT} per list`,
    );
    console.log(`| list | full lists | mean length | mean similarity |`);
    console.log(`| --- | --- | --- | --- |`);
    const row = (name: string, lists: { score: number }[][]) =>
      console.log(
        `| ${name} | ${
          (100 * lists.filter((l) => l.length === LIMIT).length / lists.length)
            .toFixed(1)
        }% | ${mean(lists.map((l) => l.length)).toFixed(1)} | ${
          name.startsWith("popular")
            ? "n/a (lifted by popularity)"
            : mean(lists.flat().map((m) => m.score)).toFixed(3)
        } |`,
      );
    row("similar", plain);
    for (const steer of STEERS) {
      const started = performance.now();
      const lists = await Promise.all(
        ids.map((id) => serving.steered(id, { steer, limit: LIMIT })),
      );
      row(
        `${steer} (${
          ((performance.now() - started) / ids.length).toFixed(1)
        } ms each)`,
        lists,
      );
    }
  } finally {
    await store.close();
  }
}
