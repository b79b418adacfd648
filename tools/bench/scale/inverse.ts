/**
 * The heaviest training kernel beside numpy: the inverse of an EASE-shaped
 * Gram matrix (XᵀX + λI of a seeded sparse binary X), computed by
 * core/models/spd_inverse.ts (WebAssembly SIMD, one thread) and by
 * `numpy.linalg.inv` on the very same bytes, read from one temp file. Both
 * wall and CPU seconds are reported: this machine is shared, and CPU time is
 * what a busy neighbour disturbs least.
 *
 *   deno run -A tools/bench/scale/inverse.ts --n 4000
 */
import process from "node:process";
import { seededRandom } from "../../../core/training/split.ts";
import {
  allocateSpdMatrix,
  defaultSpdBackend,
  spdInverse,
} from "../../../core/models/spd_inverse.ts";
import { type BenchRow, formatRatio, run } from "../stats.ts";

/** Options of `benchInverse`. */
export interface InverseBenchOptions {
  /** Order of the matrix (EASE's modelled items). */
  n: number;
  /** Where the matrix file goes (removed afterwards). */
  tempDir: string;
  /** The Python with numpy (default `python3` on PATH). */
  python?: string;
  log?: (line: string) => void;
}

/** Seconds of one inversion, on the clock and on the CPU. */
export interface InverseTiming {
  wall: number;
  cpu: number;
}

/** numpy: inv (LU, what EASE's reference code calls) on the file's matrix; threads as BLAS likes. */
const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
A = np.fromfile(path, dtype=np.float64).reshape(n, n)
c, t = time.process_time(), time.perf_counter()
P = np.linalg.inv(A)
wall, cpu = time.perf_counter() - t, time.process_time() - c
np.diagonal(P).tofile(path + ".diag")
print(json.dumps({"wall": wall, "cpu": cpu, "version": np.__version__}))
`;

/** XᵀX + 500·I for a seeded binary X of n users × n items at 1% density (full, symmetric). */
export function gramMatrix(n: number, seed = 1): Float64Array {
  const random = seededRandom(seed);
  const a = allocateSpdMatrix(n);
  const row: number[] = [];
  for (let u = 0; u < n; u++) {
    row.length = 0;
    for (let i = 0; i < n; i++) if (random() < 0.01) row.push(i);
    for (let x = 0; x < row.length; x++) {
      for (let y = 0; y <= x; y++) a[row[x] * n + row[y]] += 1;
    }
  }
  for (let i = 0; i < n; i++) {
    a[i * n + i] += 500;
    for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  }
  return a;
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * Inverts one n × n Gram matrix with ours and with numpy; returns the table
 * rows (times, ratio, agreement of the diagonals).
 */
export async function benchInverse(
  options: InverseBenchOptions,
): Promise<BenchRow[]> {
  const { n, tempDir } = options;
  const log = options.log ?? (() => {});
  const python = options.python ?? "python3";
  log(`inverse: building a ${n} × ${n} Gram matrix`);
  const matrix = gramMatrix(n);
  const path = `${tempDir}/gram-${n}.f64`;
  await Deno.writeFile(
    path,
    new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength),
  );
  log(`inverse: ours (${defaultSpdBackend()})`);
  const wall0 = performance.now();
  const cpu0 = cpuSeconds();
  spdInverse(matrix, n);
  const ours = {
    wall: (performance.now() - wall0) / 1000,
    cpu: cpuSeconds() - cpu0,
  };
  const rows: BenchRow[] = [{
    phase: "scale: training kernel",
    measure: `SPD inverse ${n} × ${n}, ours (${defaultSpdBackend()}, 1 thread)`,
    value: `${ours.wall.toFixed(1)} s (${ours.cpu.toFixed(1)} s CPU)`,
  }];
  log("inverse: numpy");
  let numpy: InverseTiming & { version: string };
  try {
    numpy = JSON.parse(
      await run(python, ["-c", NUMPY_SCRIPT, path, String(n)]),
    );
  } catch (error) {
    rows.push({
      phase: "scale: training kernel",
      measure: `numpy.linalg.inv ${n} × ${n}`,
      value: "n/a",
      note: `numpy did not run (pip install numpy): ${
        (error as Error).message.split("\n").at(-1)
      }`,
    });
    return rows;
  } finally {
    await Deno.remove(path);
  }
  const diagonal = new Float64Array(
    (await Deno.readFile(`${path}.diag`)).buffer,
  );
  await Deno.remove(`${path}.diag`);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const mine = matrix[i * n + i];
    worst = Math.max(
      worst,
      Math.abs(mine - diagonal[i]) / Math.abs(diagonal[i]),
    );
  }
  rows.push(
    {
      phase: "scale: training kernel",
      measure:
        `numpy ${numpy.version} linalg.inv ${n} × ${n} (OpenBLAS threads as it likes)`,
      value: `${numpy.wall.toFixed(1)} s (${numpy.cpu.toFixed(1)} s CPU)`,
      note: `diagonals agree to ${worst.toExponential(1)} (relative)`,
    },
    {
      phase: "scale: training kernel",
      measure: `ours / numpy, ${n} × ${n} (wall; CPU)`,
      value: `${formatRatio(ours.wall / numpy.wall)}; ${
        formatRatio(ours.cpu / numpy.cpu)
      }`,
      target: "≤ 3×",
      met: ours.wall / numpy.wall <= 3,
    },
  );
  return rows;
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--n");
  const n = at >= 0 ? Number(Deno.args[at + 1]) : 4000;
  if (!Number.isInteger(n) || n < 2) {
    console.error(`--n: expected an integer ≥ 2, found "${Deno.args[at + 1]}"`);
    Deno.exit(2);
  }
  const tempDir = await Deno.makeTempDir({ prefix: "inverse_bench_" });
  try {
    const rows = await benchInverse({ n, tempDir, log: console.error });
    for (const row of rows) {
      console.log(
        `${row.measure}: ${row.value}${row.note ? ` (${row.note})` : ""}`,
      );
    }
  } finally {
    await Deno.remove(tempDir, { recursive: true });
  }
}
