/**
 * The hybrid's time signals at a reference time T, the serving time (the
 * request's `now`, capped at the newest training rating; by default that
 * newest rating): popularity up to T, the trend in the days before T, and
 * which movies nobody had rated yet at T (probably not released then).
 * T is never read from the history: online every user is served at the
 * same moment, so a signal keyed to when a user was last active could act
 * only offline.
 */
import type { RatingTimeline } from "../models/timeline.ts";

/** Popularity, trend and not-yet-released flags at a reference time. */
export interface TimeSignals {
  /** log-count popularity up to the reference time, max 1. */
  popularity: Float32Array;
  /** log-count popularity in the trend window, max 1. */
  trend: Float32Array;
  /** 1 for movies others rated only after the reference time. */
  unreleased: Uint8Array;
}

/** Reusable buffers of `HybridTimeSignals.at`. */
export interface TimeSignalBuffers {
  until: Int32Array;
  recent: Int32Array;
  /** Signals of the last reference time (the same for every current user). */
  signals: TimeSignals & { reference: number };
}

/**
 * Rating counts over time by catalogue index.
 *
 * @example
 * ```ts
 * const time = new HybridTimeSignals(timeline, catalogue);
 * const { popularity } = time.at({ trendDays: 30 });
 * ```
 */
export class HybridTimeSignals {
  /** Training rating count by catalogue index. */
  readonly counts: Float32Array;
  /** Timeline row of each catalogue index (−1: never rated). */
  readonly #timelineRows: Int32Array;
  /** log1p(k) as float32, for every rating count k the timeline holds. */
  readonly #logCounts: Float32Array;
  readonly #latestMs: number;
  /**
   * The last signals `at` returned in fresh arrays, never written again:
   * tuning asks for every validation user at the same reference time, and
   * sharing them saves three catalogue-long arrays and a timeline pass per
   * user (half a gigabyte over ml-10m's 5000 sampled users).
   */
  #shared:
    | { reference: number; trendDays: number; signals: TimeSignals }
    | null = null;

  constructor(readonly timeline: RatingTimeline, catalogue: Int32Array) {
    this.#timelineRows = timeline.rowsOf(catalogue);
    let most = 0;
    this.counts = Float32Array.from(this.#timelineRows, (i) => {
      const count = i < 0 ? 0 : timeline.offsets[i + 1] - timeline.offsets[i];
      most = Math.max(most, count);
      return count;
    });
    this.#logCounts = Float32Array.from(
      { length: most + 1 },
      (_, k) => Math.log1p(k),
    );
    this.#latestMs = timeline.latestMs;
  }

  /** Fresh buffers for `at`, sized for the catalogue. */
  buffers(): TimeSignalBuffers {
    const n = this.counts.length;
    return {
      until: new Int32Array(n),
      recent: new Int32Array(n),
      signals: {
        reference: NaN,
        popularity: new Float32Array(n),
        trend: new Float32Array(n),
        unreleased: new Uint8Array(n),
      },
    };
  }

  /**
   * Popularity, trend and not-yet-released flags at the serving time `now`
   * (capped at the newest training rating; undefined: that rating). With
   * `buffers`, the last reference time's signals are kept: every request
   * served after training shares one (the end of the data). Without
   * them, the arrays are the caller's to keep and must not be written to:
   * calls at the same reference time share them.
   */
  at(
    options: {
      /** Serving time in ms (capped at the newest training rating; absent: that rating). */
      now?: number;
      trendDays: number;
      /** Reused buffers (`buffers()`); absent: fresh arrays. */
      buffers?: TimeSignalBuffers | null;
    },
  ): TimeSignals {
    const { trendDays, now } = options;
    const buffers = options.buffers ?? null;
    const n = this.counts.length;
    let reference = Math.min(now ?? this.#latestMs, this.#latestMs);
    if (!Number.isFinite(reference)) reference = this.#latestMs;
    if (buffers && buffers.signals.reference === reference) {
      return buffers.signals;
    }
    const shared = this.#shared;
    if (
      !buffers && shared?.reference === reference &&
      shared.trendDays === trendDays
    ) {
      return shared.signals;
    }
    const signals: TimeSignals = buffers ? buffers.signals : {
      popularity: new Float32Array(n),
      trend: new Float32Array(n),
      unreleased: new Uint8Array(n),
    };
    const { popularity, trend, unreleased } = signals;
    const until = buffers ? buffers.until : new Int32Array(n);
    const recent = buffers ? buffers.recent : new Int32Array(n);
    this.timeline.countsInto(
      this.#timelineRows,
      reference,
      trendDays,
      until,
      recent,
    );
    const logCounts = this.#logCounts;
    let maxPop = 0;
    let maxTrend = 0;
    for (let j = 0; j < n; j++) {
      unreleased[j] = until[j] === 0 && this.counts[j] > 0 ? 1 : 0;
      const p = popularity[j] = logCounts[until[j]];
      const t = trend[j] = logCounts[recent[j]];
      if (p > maxPop) maxPop = p;
      if (t > maxTrend) maxTrend = t;
    }
    if (maxPop > 0) { for (let j = 0; j < n; j++) popularity[j] /= maxPop; }
    if (maxTrend > 0) { for (let j = 0; j < n; j++) trend[j] /= maxTrend; }
    if (buffers) buffers.signals.reference = reference;
    else this.#shared = { reference, trendDays, signals };
    return signals;
  }
}
