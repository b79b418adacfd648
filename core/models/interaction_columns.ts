/**
 * Interactions as parallel typed arrays (user, movie, type, value, time):
 * 21 bytes a row instead of an object of ~100, so that ml-25m's 25 million
 * ratings fit in half a gigabyte and training never holds them as objects.
 * Users are dense indices into `userIds`, in first-seen order.
 */
import {
  type Interaction,
  INTERACTION_TYPES,
  type InteractionType,
} from "../types.ts";

/** Interaction types by their code in `InteractionColumns.types`. */
export { INTERACTION_TYPES };

/** The code of each type in `InteractionColumns.types`. */
export const TYPE_CODE: Readonly<Record<InteractionType, number>> = {
  rating: 0,
  view: 1,
  like: 2,
  dislike: 3,
  skip: 4,
  watchlist: 5,
  hide: 6,
};

/** Row i of every array is one interaction. */
export interface InteractionColumns {
  readonly size: number;
  /** Index into `userIds`. */
  readonly users: Int32Array;
  readonly movies: Int32Array;
  /** `TYPE_CODE` of each row. */
  readonly types: Uint8Array;
  /** The rating; NaN for other types. */
  readonly values: Float32Array;
  /** Milliseconds since the epoch (float64: they do not fit 32 bits). */
  readonly timestamps: Float64Array;
  /** User ids by index, in the order they were first seen. */
  readonly userIds: readonly string[];
}

/**
 * Appends interactions one at a time or a batch at a time into growing
 * columns; `finish` trims them to size.
 *
 * @example
 * ```ts
 * const builder = new InteractionColumnsBuilder();
 * for await (const batch of store.interactions.scan(10_000)) builder.pushAll(batch);
 * const columns = builder.finish();
 * ```
 */
export class InteractionColumnsBuilder {
  #size = 0;
  #users = new Int32Array(1024);
  #movies = new Int32Array(1024);
  #types = new Uint8Array(1024);
  #values = new Float32Array(1024);
  #timestamps = new Float64Array(1024);
  readonly #userIds: string[] = [];
  readonly #userIndex = new Map<string, number>();

  /** The dense index of `userId`, assigned on first sight. */
  userIndex(userId: string): number {
    let index = this.#userIndex.get(userId);
    if (index === undefined) {
      index = this.#userIds.length;
      this.#userIndex.set(userId, index);
      this.#userIds.push(userId);
    }
    return index;
  }

  /** Appends one interaction of an already indexed user. */
  pushRow(
    user: number,
    movieId: number,
    type: number,
    value: number,
    timestamp: number,
  ): void {
    if (this.#size === this.#users.length) this.#grow();
    const i = this.#size++;
    this.#users[i] = user;
    this.#movies[i] = movieId;
    this.#types[i] = type;
    this.#values[i] = value;
    this.#timestamps[i] = timestamp;
  }

  /** Appends one interaction. */
  push(row: Interaction): void {
    this.pushRow(
      this.userIndex(row.userId),
      row.movieId,
      TYPE_CODE[row.type],
      row.type === "rating" ? row.value ?? NaN : NaN,
      row.timestamp,
    );
  }

  /** Appends every interaction of `rows`. */
  pushAll(rows: Iterable<Interaction>): void {
    for (const row of rows) this.push(row);
  }

  #grow(): void {
    const capacity = this.#users.length * 2;
    const grow = <
      T extends Int32Array | Uint8Array | Float32Array | Float64Array,
    >(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(old as never);
      return next;
    };
    this.#users = grow(this.#users, (n) => new Int32Array(n));
    this.#movies = grow(this.#movies, (n) => new Int32Array(n));
    this.#types = grow(this.#types, (n) => new Uint8Array(n));
    this.#values = grow(this.#values, (n) => new Float32Array(n));
    this.#timestamps = grow(this.#timestamps, (n) => new Float64Array(n));
  }

  /** The columns, trimmed to the rows pushed (a copy: the builder may go on). */
  finish(): InteractionColumns {
    const n = this.#size;
    return {
      size: n,
      users: this.#users.slice(0, n),
      movies: this.#movies.slice(0, n),
      types: this.#types.slice(0, n),
      values: this.#values.slice(0, n),
      timestamps: this.#timestamps.slice(0, n),
      userIds: [...this.#userIds],
    };
  }
}

/**
 * Columns from interaction objects (what tests and small callers have).
 *
 * @example
 * ```ts
 * const columns = interactionColumns(ratings);
 * columns.size === ratings.length; // true
 * ```
 */
export function interactionColumns(
  rows: Iterable<Interaction>,
): InteractionColumns {
  const builder = new InteractionColumnsBuilder();
  builder.pushAll(rows);
  return builder.finish();
}

/** True for columns, false for interaction objects: the two inputs trainers take. */
export function isInteractionColumns(
  input: Iterable<Interaction> | InteractionColumns,
): input is InteractionColumns {
  return (input as InteractionColumns).users instanceof Int32Array;
}

/** Interaction `i` as an object (for the few places that need one). */
export function interactionAt(
  columns: InteractionColumns,
  i: number,
): Interaction {
  const type = INTERACTION_TYPES[columns.types[i]];
  return {
    userId: columns.userIds[columns.users[i]],
    movieId: columns.movies[i],
    type,
    value: type === "rating" ? columns.values[i] : null,
    timestamp: columns.timestamps[i],
  };
}

/** Row indices grouped by user: user u's rows are `rows[offsets[u] .. offsets[u + 1])`, in input order. */
export interface UserRows {
  offsets: Int32Array;
  rows: Int32Array;
}

/**
 * The rows of each user, in input order (a counting sort: two passes, no
 * object per user).
 *
 * @example
 * ```ts
 * const { offsets, rows } = rowsByUser(columns);
 * for (let p = offsets[u]; p < offsets[u + 1]; p++) columns.movies[rows[p]];
 * ```
 */
export function rowsByUser(columns: InteractionColumns): UserRows {
  const users = columns.userIds.length;
  const offsets = new Int32Array(users + 1);
  for (let i = 0; i < columns.size; i++) offsets[columns.users[i] + 1]++;
  for (let u = 0; u < users; u++) offsets[u + 1] += offsets[u];
  const rows = new Int32Array(columns.size);
  const fill = offsets.slice(0, users);
  for (let i = 0; i < columns.size; i++) rows[fill[columns.users[i]]++] = i;
  return { offsets, rows };
}

/** The distinct values of `ids`, ascending. */
export function distinctSorted(ids: Int32Array): Int32Array {
  const sorted = ids.slice().sort();
  let distinct = 0;
  for (let p = 0; p < sorted.length; p++) {
    if (p === 0 || sorted[p] !== sorted[p - 1]) sorted[distinct++] = sorted[p];
  }
  return sorted.slice(0, distinct);
}

/**
 * Movie id → index into `items` (ascending ids), or −1 for an id not there:
 * a direct table for MovieLens-sized ids, a Map beyond.
 */
export function movieIndexLookup(
  items: Int32Array,
): (movieId: number) => number {
  const maxId = items.length ? items[items.length - 1] : 0;
  if (maxId <= 16_000_000) {
    const table = new Int32Array(maxId + 1).fill(-1);
    items.forEach((id, c) => table[id] = c);
    return (movieId) => movieId <= maxId ? table[movieId] : -1;
  }
  const map = new Map<number, number>();
  items.forEach((id, c) => map.set(id, c));
  return (movieId) => map.get(movieId) ?? -1;
}

/** The number of interactions in objects or columns. */
export function interactionCount(
  input: readonly Interaction[] | InteractionColumns,
): number {
  return isInteractionColumns(input as Interaction[] | InteractionColumns)
    ? (input as InteractionColumns).size
    : (input as readonly Interaction[]).length;
}

/** Columns as they are, or built from objects. */
export function asColumns(
  input: Iterable<Interaction> | InteractionColumns,
): InteractionColumns {
  return isInteractionColumns(input) ? input : interactionColumns(input);
}

/** A growable list of row indices (no number array of millions of rows). */
export class RowList {
  #rows = new Int32Array(1024);
  #size = 0;

  /** Appends row `i`. */
  push(i: number): void {
    if (this.#size === this.#rows.length) {
      const rows = new Int32Array(this.#size * 2);
      rows.set(this.#rows);
      this.#rows = rows;
    }
    this.#rows[this.#size++] = i;
  }

  /** Appends every row of `rows`. */
  pushAll(rows: ArrayLike<number>): void {
    for (let p = 0; p < rows.length; p++) this.push(rows[p]);
  }

  /** The rows pushed, in order (a copy). */
  toArray(): Int32Array {
    return this.#rows.slice(0, this.#size);
  }
}

/**
 * Rows `rows` of `columns`, in that order; user indices and `userIds` are
 * shared with `columns`, so a user is the same index on both.
 *
 * @example
 * ```ts
 * const firstTwo = selectRows(columns, Int32Array.of(0, 1));
 * ```
 */
export function selectRows(
  columns: InteractionColumns,
  rows: Int32Array,
): InteractionColumns {
  const n = rows.length;
  const users = new Int32Array(n);
  const movies = new Int32Array(n);
  const types = new Uint8Array(n);
  const values = new Float32Array(n);
  const timestamps = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const i = rows[p];
    users[p] = columns.users[i];
    movies[p] = columns.movies[i];
    types[p] = columns.types[i];
    values[p] = columns.values[i];
    timestamps[p] = columns.timestamps[i];
  }
  return {
    size: n,
    users,
    movies,
    types,
    values,
    timestamps,
    userIds: columns.userIds,
  };
}
