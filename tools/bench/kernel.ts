/**
 * Phase 1: the scoring kernel. Top-k cosine over N seeded unit vectors of 384
 * floats, one query at a time on one thread, beside numpy (BLAS sgemv +
 * argpartition) and usearch's exact search on the same bytes, read from the
 * same temp file.
 */
import { TopK, topK } from "../../core/vectors/top_k.ts";
import { createRowScorer } from "../../core/vectors/score_kernel.ts";
import type { EmbeddingMatrix, ScoredMovie } from "../../core/types.ts";
import {
  type BenchRow,
  formatMs,
  formatRatio,
  median,
  run,
  unitVectors,
} from "./stats.ts";

/** Options for `benchKernel`. */
export interface KernelBenchOptions {
  /** Catalogue sizes (default 10k and 100k). */
  sizes?: number[];
  dim?: number;
  k?: number;
  /** Distinct queries (default 20). */
  queries?: number;
  /** Folder where usearch is installed with npm (kept between runs). */
  referenceDir: string;
  /** Where the data file goes (removed afterwards). */
  tempDir: string;
  log?: (line: string) => void;
}

/** What one implementation measured at one size. */
export interface KernelTiming {
  name: string;
  medianMs: number;
  /** Row indices of the first query's top k, to check the answers agree. */
  top: number[];
  detail?: string;
}

const PYTHON = "/usr/bin/python3";

// Single thread, as ours is: BLAS would otherwise use every core.
const SINGLE_THREAD = {
  OPENBLAS_NUM_THREADS: "1",
  OMP_NUM_THREADS: "1",
  MKL_NUM_THREADS: "1",
};

const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
path, qpath, n, d, k, reps = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
M = np.fromfile(path, dtype=np.float32).reshape(n, d)
Q = np.fromfile(qpath, dtype=np.float32).reshape(-1, d)
def search(q):
    s = M @ q
    idx = np.argpartition(-s, k)[:k]
    return idx[np.argsort(-s[idx], kind="stable")]
for q in Q[:3]:
    search(q)
times = []
for _ in range(reps):
    for q in Q:
        t = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"times": times, "top": search(Q[0]).tolist(), "version": np.__version__}))
`;

const USEARCH_SCRIPT = `
import usearch from "usearch";
import { readFileSync } from "node:fs";
const [path, qpath, n, d, k, reps] = process.argv.slice(2);
const load = (p) => new Float32Array(new Uint8Array(readFileSync(p)).buffer);
const M = load(path), Q = load(qpath), dim = Number(d), count = Number(k);
const query = (i) => Q.subarray(i * dim, (i + 1) * dim);
const search = (q) => usearch.exactSearch(M, q, dim, count, usearch.MetricKind.IP, 1);
for (let i = 0; i < 3; i++) search(query(i));
const times = [];
for (let r = 0; r < Number(reps); r++) {
  for (let i = 0; i < Q.length / dim; i++) {
    const t = performance.now();
    search(query(i));
    times.push(performance.now() - t);
  }
}
const top = [...search(query(0)).keys].map(Number);
const version = JSON.parse(readFileSync(new URL("./node_modules/usearch/package.json", import.meta.url))).version;
console.log(JSON.stringify({ times, top, version }));
`;

/** The seed implementation (one double loop, heap), kept as the baseline. */
function naiveTopK(
  matrix: EmbeddingMatrix,
  query: Float32Array,
  k: number,
): ScoredMovie[] {
  const { ids, dim, vectors } = matrix;
  const heap = new TopK(k);
  for (let row = 0; row < ids.length; row++) {
    let score = 0;
    const offset = row * dim;
    for (let i = 0; i < dim; i++) score += vectors[offset + i] * query[i];
    heap.push(ids[row], score);
  }
  return heap.result();
}

function timeEach(
  queries: Float32Array[],
  reps: number,
  search: (q: Float32Array) => void,
): number {
  for (const q of queries.slice(0, 3)) search(q); // warm up the JIT
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const q of queries) {
      const start = performance.now();
      search(q);
      times.push(performance.now() - start);
    }
  }
  return median(times);
}

/** Installs usearch into `dir` with npm unless it is there; null on failure. */
async function usearchReady(
  dir: string,
  log: (line: string) => void,
): Promise<string | null> {
  try {
    await Deno.stat(`${dir}/node_modules/usearch/package.json`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(dir, { recursive: true });
    try {
      await run("npm", [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefix",
        dir,
        "usearch@2",
      ]);
    } catch (installError) {
      log(`usearch: npm install failed: ${(installError as Error).message}`);
      return null;
    }
  }
  await Deno.writeTextFile(`${dir}/usearch_ref.mjs`, USEARCH_SCRIPT);
  return `${dir}/usearch_ref.mjs`;
}

async function reference(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<KernelTiming> {
  const out = JSON.parse(await run(command, args, { env })) as {
    times: number[];
    top: number[];
    version: string;
  };
  return {
    name,
    medianMs: median(out.times),
    top: out.top,
    detail: out.version,
  };
}

/** The BLAS library numpy loads through Debian's alternatives. */
async function blasName(): Promise<string> {
  try {
    const target = await Deno.realPath(
      "/etc/alternatives/libblas.so.3-x86_64-linux-gnu",
    );
    if (target.includes("openblas")) return "OpenBLAS";
    if (target.includes("blis")) return "BLIS";
    if (target.includes("atlas")) return "ATLAS";
    return "reference BLAS";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "BLAS";
    throw error;
  }
}

/**
 * Measures every implementation at every size and returns the table rows:
 * per-query medians and ours / reference ratios (target: within 3× numpy).
 */
export async function benchKernel(
  options: KernelBenchOptions,
): Promise<BenchRow[]> {
  const dim = options.dim ?? 384;
  const k = options.k ?? 10;
  const queryCount = options.queries ?? 20;
  const log = options.log ?? (() => {});
  const rows: BenchRow[] = [];
  const queries = unitVectors(queryCount, dim, 2);
  const queryList = Array.from(
    { length: queryCount },
    (_, i) => queries.subarray(i * dim, (i + 1) * dim),
  );
  const queryPath = `${options.tempDir}/queries.f32`;
  await Deno.writeFile(queryPath, new Uint8Array(queries.buffer));
  const hasNumpy = await run(PYTHON, ["-c", "import numpy"]).then(
    () => true,
    () => false,
  );
  const usearchScript = await usearchReady(options.referenceDir, log);
  const blas = await blasName();

  for (const n of options.sizes ?? [10_000, 100_000]) {
    const label = n >= 1000 ? `${n / 1000}k` : String(n);
    log(`kernel: N=${label} × ${dim}`);
    const matrix: EmbeddingMatrix = {
      ids: Int32Array.from({ length: n }, (_, i) => i),
      dim,
      vectors: unitVectors(n, dim, 1),
    };
    const reps = n >= 100_000 ? 2 : 5;
    const matrixPath = `${options.tempDir}/matrix_${n}.f32`;
    await Deno.writeFile(matrixPath, new Uint8Array(matrix.vectors.buffer));

    const timings: KernelTiming[] = [];
    const ours = timeEach(queryList, reps, (q) => topK(matrix, q, { k }));
    timings.push({
      name: "ours: topK (WASM SIMD + exact rerank)",
      medianMs: ours,
      top: topK(matrix, queryList[0], { k }).map((s) => s.movieId),
    });
    const wasm = createRowScorer(matrix, "wasm");
    const js = createRowScorer(matrix, "js");
    timings.push({
      name: `ours: ${wasm.backend} scores only`,
      medianMs: timeEach(queryList, reps, (q) => wasm.score(q)),
      top: [],
    });
    timings.push({
      name: "ours: JS unrolled scores only",
      medianMs: timeEach(queryList, reps, (q) => js.score(q)),
      top: [],
    });
    timings.push({
      name: "seed: naive JS loop + heap",
      medianMs: timeEach(queryList, 1, (q) => naiveTopK(matrix, q, k)),
      top: naiveTopK(matrix, queryList[0], k).map((s) => s.movieId),
    });
    const args = [matrixPath, queryPath, String(n), String(dim), String(k)];
    let numpy: KernelTiming | null = null;
    if (hasNumpy) {
      numpy = await reference(
        `numpy (${blas}, 1 thread): matmul + argpartition`,
        PYTHON,
        ["-c", NUMPY_SCRIPT, ...args, String(reps)],
        SINGLE_THREAD,
      );
      timings.push(numpy);
    }
    let usearch: KernelTiming | null = null;
    if (usearchScript) {
      try {
        usearch = await reference(
          "usearch exactSearch (1 thread)",
          "node",
          [usearchScript, ...args, String(reps)],
          {},
        );
        usearch.name = `usearch ${usearch.detail} exactSearch (1 thread)`;
        timings.push(usearch);
      } catch (error) {
        log(`usearch failed: ${(error as Error).message}`);
      }
    }
    await Deno.remove(matrixPath);

    const expected = timings[0].top.join(",");
    for (const t of timings) {
      const agrees = t.top.length === 0 || t.top.join(",") === expected;
      rows.push({
        phase: "kernel",
        measure: `top-${k}, N=${label}×${dim}: ${t.name}`,
        value: `${formatMs(t.medianMs)}/query`,
        note: agrees ? undefined : "top-k differs from ours on query 0",
      });
    }
    if (numpy) {
      const ratio = ours / numpy.medianMs;
      rows.push({
        phase: "kernel",
        measure: `N=${label}: ours / numpy`,
        value: formatRatio(ratio),
        target: "≤ 3×",
        met: ratio <= 3,
      });
    } else {
      rows.push({
        phase: "kernel",
        measure: `N=${label}: ours / numpy`,
        value: "n/a",
        target: "≤ 3×",
        note:
          `numpy not importable by ${PYTHON} (apt-get install -y python3-numpy)`,
      });
    }
    if (usearch) {
      rows.push({
        phase: "kernel",
        measure: `N=${label}: ours / usearch`,
        value: formatRatio(ours / usearch.medianMs),
      });
    } else {
      rows.push({
        phase: "kernel",
        measure: `N=${label}: ours / usearch`,
        value: "n/a",
        note: "usearch could not be installed or run (npm install usearch@2)",
      });
    }
  }
  await Deno.remove(queryPath);
  return rows;
}
