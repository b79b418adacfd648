/**
 * Progress reporting for long pipeline steps: a live bar on a terminal, a log
 * line every few percent otherwise (CI logs, Cloud Run) and at least every
 * few seconds while work advances, nothing in tests.
 */

/** One unit of work with a known (or unknown, 0) total. */
export interface ProgressTask {
  /** Adds `n` done units. */
  advance(n: number): void;
  /** Ends the task (prints the final line). */
  done(): void;
}

/** Where pipeline steps report what they do. */
export interface ProgressReporter {
  /** Starts a task of `total` units; 0 when the total is unknown. */
  task(label: string, total: number, unit?: string): ProgressTask;
  /** A one-line message. */
  log(message: string): void;
}

/** Options for `consoleProgress`. */
export interface ConsoleProgressOptions {
  /** Draw a live bar; default: when stderr is a terminal. */
  live?: boolean;
  /** Without a live bar, log a line every this many percent (default 10). */
  everyPercent?: number;
  /**
   * Without a live bar, also log a line when this many seconds passed since
   * the last one (default 10), so that slow work and work of unknown size
   * are never silent for minutes.
   */
  everySeconds?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
  /** Where lines go; default stderr. */
  write?: (text: string) => void;
}

const encoder = new TextEncoder();

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Units per second: whole above 10, two significant digits below (0.017). */
function formatRate(rate: number): string {
  return rate >= 10 || rate === 0
    ? formatCount(Math.round(rate))
    : rate.toPrecision(2);
}

/**
 * Reports to stderr: a redrawn bar (done/total, rate/s, ETA) on a terminal,
 * otherwise a plain line every `everyPercent` percent.
 *
 * @example
 * const progress = consoleProgress();
 * const task = progress.task("embed", 9742, "movies");
 * task.advance(64);
 * task.done();
 */
export function consoleProgress(
  options: ConsoleProgressOptions = {},
): ProgressReporter {
  const live = options.live ?? Deno.stderr.isTerminal();
  const everyPercent = options.everyPercent ?? 10;
  const everyMs = (options.everySeconds ?? 10) * 1000;
  const now = options.now ?? (() => performance.now());
  const write = options.write ??
    ((text: string) => Deno.stderr.writeSync(encoder.encode(text)));

  return {
    log(message) {
      write(`${message}\n`);
    },
    task(label, total, unit = "items") {
      const started = now();
      let doneCount = 0;
      let lastDraw = 0;
      let nextPercent = everyPercent;
      let lastLine = started;
      const line = (final: boolean) => {
        const elapsed = (now() - started) / 1000;
        const rate = elapsed > 0 ? doneCount / elapsed : 0;
        const rateText = `${formatRate(rate)} ${unit}/s`;
        if (final) {
          return `${label}: ${formatCount(doneCount)} ${unit} in ${
            formatDuration(elapsed)
          } (${rateText})`;
        }
        if (total <= 0) {
          return `${label}: ${formatCount(doneCount)} ${unit}, ${rateText}`;
        }
        const fraction = Math.min(1, doneCount / total);
        const eta = rate > 0 ? (total - doneCount) / rate : Infinity;
        const width = 24;
        const filled = Math.round(fraction * width);
        const bar = live
          ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] `
          : "";
        return `${label}: ${bar}${formatCount(doneCount)}/${
          formatCount(total)
        } ${unit} (${Math.floor(fraction * 100)}%), ${rateText}, ETA ${
          formatDuration(eta)
        }`;
      };
      return {
        advance(n) {
          doneCount += n;
          if (live) {
            // Redraw at most 10 times a second: drawing is slower than counting.
            const t = now();
            if (t - lastDraw < 100) return;
            lastDraw = t;
            write(`\r\x1b[2K${line(false)}`);
            return;
          }
          const t = now();
          const percent = total > 0 ? (doneCount / total) * 100 : 0;
          const crossed = total > 0 && percent >= nextPercent &&
            doneCount < total;
          const finished = total > 0 && doneCount >= total;
          if (crossed || (!finished && t - lastLine >= everyMs)) {
            write(`${line(false)}\n`);
            lastLine = t;
            while (total > 0 && nextPercent <= percent) {
              nextPercent += everyPercent;
            }
          }
        },
        done() {
          write(`${live ? "\r\x1b[2K" : ""}${line(true)}\n`);
        },
      };
    },
  };
}

/** A reporter that says nothing (tests). */
export const silentProgress: ProgressReporter = {
  log() {},
  task() {
    return { advance() {}, done() {} };
  },
};
