/**
 * When each movie was rated: sorted rating times per movie, so that "how
 * often was this movie rated in the days before time t" (what was trending
 * when the user was last active) and "had anyone rated it yet" are two
 * binary searches.
 */
import { packBlob, unpackBlob } from "./model_blob.ts";
import type { Interaction } from "../types.ts";
import {
  distinctSorted,
  type InteractionColumns,
  interactionColumns,
  isInteractionColumns,
  movieIndexLookup,
  TYPE_CODE,
} from "./interaction_columns.ts";

const MAGIC = "TML1";
const DAY_SECONDS = 86_400;

/** Per-movie sorted rating times, in seconds since the epoch. */
export class RatingTimeline {
  readonly index = new Map<number, number>();

  constructor(
    /** Movie ids, ascending. */
    readonly items: Int32Array,
    /** Movie i's times span `seconds[offsets[i] .. offsets[i + 1])`. */
    readonly offsets: Int32Array,
    readonly seconds: Int32Array,
  ) {
    items.forEach((id, i) => this.index.set(id, i));
  }

  /**
   * Builds the timeline of rating-type interactions.
   *
   * @example
   * ```ts
   * const timeline = RatingTimeline.fromInteractions(ratings);
   * timeline.countBefore(1, Date.now(), 30); // ratings of movie 1 in the last 30 days
   * ```
   */
  static fromInteractions(
    rows: Iterable<Interaction> | InteractionColumns,
  ): RatingTimeline {
    const columns = isInteractionColumns(rows)
      ? rows
      : interactionColumns(rows);
    const { size, movies, types, timestamps } = columns;
    let ratings = 0;
    for (let r = 0; r < size; r++) if (types[r] === TYPE_CODE.rating) ratings++;
    const rated = new Int32Array(ratings);
    for (let r = 0, p = 0; r < size; r++) {
      if (types[r] === TYPE_CODE.rating) rated[p++] = movies[r];
    }
    const items = distinctSorted(rated);
    const index = movieIndexLookup(items);
    const offsets = new Int32Array(items.length + 1);
    for (let p = 0; p < ratings; p++) offsets[index(rated[p]) + 1]++;
    for (let i = 0; i < items.length; i++) offsets[i + 1] += offsets[i];
    const seconds = new Int32Array(ratings);
    const fill = offsets.slice(0, items.length);
    for (let r = 0; r < size; r++) {
      if (types[r] !== TYPE_CODE.rating) continue;
      seconds[fill[index(movies[r])]++] = Math.floor(timestamps[r] / 1000);
    }
    for (let i = 0; i < items.length; i++) {
      seconds.subarray(offsets[i], offsets[i + 1]).sort();
    }
    return new RatingTimeline(items, offsets, seconds);
  }

  /** The latest rating time of any movie, in ms (−Infinity when empty). */
  get latestMs(): number {
    let latest = -Infinity;
    for (let i = 0; i < this.items.length; i++) {
      if (this.offsets[i + 1] > this.offsets[i]) {
        latest = Math.max(latest, this.seconds[this.offsets[i + 1] - 1]);
      }
    }
    return latest * 1000;
  }

  /** Ratings of `movieId` in the `days` before `timeMs` (inclusive). */
  countBefore(movieId: number, timeMs: number, days: number): number {
    const i = this.index.get(movieId);
    if (i === undefined) return 0;
    const to = Math.floor(timeMs / 1000);
    return this.#upper(i, to) - this.#upper(i, to - days * DAY_SECONDS);
  }

  /** Ratings of `movieId` at or before `timeMs`. */
  countUntil(movieId: number, timeMs: number): number {
    const i = this.index.get(movieId);
    if (i === undefined) return 0;
    return this.#upper(i, Math.floor(timeMs / 1000)) - this.offsets[i];
  }

  /**
   * Timeline row of each id (−1: never rated), so that `countsInto` needs
   * no map lookup per movie.
   */
  rowsOf(ids: Int32Array): Int32Array {
    return Int32Array.from(ids, (id) => this.index.get(id) ?? -1);
  }

  /**
   * For each movie given by its timeline row (`rowsOf`; −1 counts 0),
   * `countUntil(timeMs)` into `until` and `countBefore(timeMs, days)` into
   * `recent`: the same binary searches, but one pass over packed arrays and
   * no search when the time is past a movie's last rating (serving computes
   * this over the whole catalogue per user).
   */
  countsInto(
    rows: Int32Array,
    timeMs: number,
    days: number,
    until: Int32Array,
    recent: Int32Array,
  ): void {
    const { offsets, seconds } = this;
    const to = Math.floor(timeMs / 1000);
    const from = to - days * DAY_SECONDS;
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j];
      if (i < 0) {
        until[j] = 0;
        recent[j] = 0;
        continue;
      }
      const start = offsets[i];
      const end = offsets[i + 1];
      const upTo = upperBound(seconds, start, end, to);
      until[j] = upTo - start;
      // Times from upTo on exceed `to` ≥ `from`: the search can stop there.
      recent[j] = upTo -
        upperBound(seconds, start, from <= to ? upTo : end, from);
    }
  }

  /** First position in movie i's times whose value exceeds `t`. */
  #upper(i: number, t: number): number {
    let lo = this.offsets[i];
    let hi = this.offsets[i + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.seconds[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Serialises to a compact blob (4 bytes per rating). */
  toBytes(): Uint8Array {
    return packBlob(MAGIC, {}, [this.items, this.offsets, this.seconds]);
  }

  /** Loads a timeline written by `toBytes`. */
  static fromBytes(bytes: Uint8Array): RatingTimeline {
    const { arrays } = unpackBlob(bytes, MAGIC);
    const [items, offsets, seconds] = arrays;
    if (
      !(items instanceof Int32Array) || !(offsets instanceof Int32Array) ||
      !(seconds instanceof Int32Array)
    ) {
      throw new Error(
        "Cannot load rating timeline: expected three Int32 arrays",
      );
    }
    return new RatingTimeline(items, offsets, seconds);
  }
}

/**
 * First position in `sorted[lo .. hi)` whose value exceeds `t` (hi when
 * none does); checks the last value first, the common case when `t` is
 * recent.
 */
function upperBound(
  sorted: Int32Array,
  lo: number,
  hi: number,
  t: number,
): number {
  if (hi === lo || sorted[hi - 1] <= t) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
