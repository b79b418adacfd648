/** Small statistics and formatting shared by the benchmark phases. */

/** One line of the benchmark table. */
export interface BenchRow {
  /** Phase, e.g. "kernel", "api", "cold start". */
  phase: string;
  /** What was measured, e.g. "top-10, N=100k, ours (WASM SIMD)". */
  measure: string;
  /** The figure, formatted with its unit. */
  value: string;
  /** The target, when the issue sets one. */
  target?: string;
  /** Whether the target was met; undefined when there is none. */
  met?: boolean;
  /** What the figure means. */
  note?: string;
  /** What would close the target; shown only when it is missed. */
  fix?: string;
}

/** The median of `values` (NaN when empty). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds with a sensible number of digits. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** A ratio like "2.31×". */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "n/a";
}

/** mulberry32: a small seeded generator, so synthetic data is the same every run. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `rows` seeded random unit vectors of `dim` floats, packed row-major. */
export function unitVectors(
  rows: number,
  dim: number,
  seed: number,
): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const offset = r * dim;
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      const v = next() * 2 - 1;
      out[offset + i] = v;
      sum += v * v;
    }
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < dim; i++) out[offset + i] *= scale;
  }
  return out;
}

/** Runs a command to completion; throws with its stderr when it fails. */
export async function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${output.code}: ${
        decoder.decode(output.stderr).trim().slice(-2000)
      }`,
    );
  }
  return decoder.decode(output.stdout);
}

/** True when `command` can be started (found on PATH). */
export async function commandExists(command: string): Promise<boolean> {
  try {
    await new Deno.Command(command, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
