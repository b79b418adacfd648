/**
 * How well "more like this, but…" fills its list: for the most rated
 * movies of a loaded store, the share of steered lists with all 12 movies
 * and their mean similarity beside the plain similar list's. For lighter
 * and darker, also how plausibly they go that way: the share of listed
 * movies whose genres already read lighter/darker than the source's, and
 * the mean shift of the text's tone (core/recommenders/tone.ts, in
 * standard deviations, positive = the asked way).
 *
 *   DATA_DIR=<a loaded store> deno run -A tools/steer_coverage.ts [--movies 500]
 */
import { configFromEnv } from "../config/mod.ts";
import { STEERS } from "../core/recommenders/steer.ts";
import { genreTone, textTones } from "../core/recommenders/tone.ts";
import type { ScoredMovie } from "../core/types.ts";
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
    const genresOf = (id: number) => serving.catalog.get(id)?.genres ?? [];
    const matrix = serving.embeddingModel
      ? await store.embeddings.load(serving.embeddingModel)
      : null;
    const tones = matrix ? textTones(matrix, genresOf) : new Map();
    const ids = (await store.movies.query({ offset: 0, limit: count }))
      .items.map((m) => m.id);
    const mean = (xs: number[]) =>
      xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    const plain = await Promise.all(
      ids.map((id) => serving.similar(id, LIMIT)),
    );
    console.log(
      `${ids.length} most popular movies of ${config.dataDir}, ${LIMIT} per list, embeddings ${serving.embeddingModel}`,
    );
    console.log(
      `| list | full lists | mean length | mean similarity | lighter/darker by genres | text tone shift |`,
    );
    console.log(`| --- | --- | --- | --- | --- | --- |`);
    /** Share by genres and mean text shift of `lists` steered `sign` (1 lighter). */
    const toneColumns = (lists: ScoredMovie[][], sign: number) => {
      let byGenres = 0;
      const shifts: number[] = [];
      lists.forEach((list, i) => {
        const source = ids[i];
        for (const m of list) {
          const delta = genreTone(genresOf(m.movieId)) -
            genreTone(genresOf(source));
          if (sign * delta > 0) byGenres++;
          const t = tones.get(m.movieId);
          const s = tones.get(source);
          if (t !== undefined && s !== undefined) shifts.push(sign * (t - s));
        }
      });
      const listed = lists.reduce((n, l) => n + l.length, 0);
      return `${(100 * byGenres / Math.max(1, listed)).toFixed(1)}% | ${
        shifts.length ? `+${mean(shifts).toFixed(2)} sd` : "n/a"
      }`;
    };
    const row = (name: string, lists: ScoredMovie[][], sign = 0) =>
      console.log(
        `| ${name} | ${
          (100 * lists.filter((l) => l.length === LIMIT).length / lists.length)
            .toFixed(1)
        }% | ${mean(lists.map((l) => l.length)).toFixed(1)} | ${
          name.startsWith("popular")
            ? "n/a (lifted by popularity)"
            : mean(lists.flat().map((m) => m.score)).toFixed(3)
        } | ${sign ? toneColumns(lists, sign) : " |"} |`,
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
        steer === "lighter" ? 1 : steer === "darker" ? -1 : 0,
      );
    }
  } finally {
    await store.close();
  }
}
