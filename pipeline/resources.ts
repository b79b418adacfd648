/**
 * Peak memory of the pipeline process, for the one-line summary of each
 * step: Linux's VmHWM (the resident set's high-water mark), reset before a
 * step so that the figure is that step's own peak.
 */

const KNOWN_FAILURES = [
  Deno.errors.NotFound,
  Deno.errors.PermissionDenied,
  Deno.errors.NotCapable,
];

function unavailable(error: unknown): boolean {
  return KNOWN_FAILURES.some((type) => error instanceof type);
}

/**
 * Starts a new peak: the high-water mark drops to the current resident set.
 * False where the kernel does not offer it (not Linux, or not permitted).
 */
export function resetPeakRss(): boolean {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch (error) {
    if (unavailable(error)) return false;
    throw error;
  }
}

/**
 * The peak resident set since the last `resetPeakRss` (or since start), in
 * bytes; the current resident set where /proc is not there.
 *
 * @example
 * ```ts
 * resetPeakRss();
 * await work();
 * formatBytes(peakRssBytes()); // "1.24 GB"
 * ```
 */
export function peakRssBytes(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    if (kib) return Number(kib) * 1024;
  } catch (error) {
    if (!unavailable(error)) throw error;
  }
  return Deno.memoryUsage().rss;
}

/** Bytes in the largest unit that keeps a figure below 1000: "512 MB", "1.24 GB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = value >= 100 || unit === 0 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
