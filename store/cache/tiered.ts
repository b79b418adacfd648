/**
 * The response cache: an in-process LRU in front of an optional shared layer
 * (Upstash Redis, see `cache_upstash.ts`). The cache is an optimisation only:
 * a failing shared layer is logged and skipped, never surfaced to callers.
 * @module
 */

/** Where a value was found, for logs and the `X-Cache` header. */
export type CacheLayer = "memory" | "redis";

/** Counters exposed at `/metrics`. */
export interface CacheStats {
  kind: "memory" | "upstash";
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  hitRatio: number;
  hitsByLayer: Record<CacheLayer, number>;
  entries: number;
  /** Memory the in-process layer accounts for (keys, values, bookkeeping). */
  bytes: number;
  /** Its bound (CACHE_MAX_BYTES). */
  maxBytes: number;
  /** Failed or timed-out calls to the shared layer. */
  sharedErrors: number;
  /** True while the shared layer is skipped after a failure. */
  sharedDown: boolean;
}

/** A cache of JSON values with a time to live. */
export interface Cache {
  readonly kind: "memory" | "upstash";
  /** The value and the layer it came from, or null on a miss. */
  lookup<T>(key: string): Promise<{ value: T; layer: CacheLayer } | null>;
  /**
   * Like `lookup`, but the value's JSON text as stored, unparsed. Optional:
   * callers fall back to `lookup`.
   */
  lookupText?(key: string): Promise<{ text: string; layer: CacheLayer } | null>;
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** Checks the shared layer answers (always true for memory only). */
  ping(): Promise<boolean>;
  stats(): CacheStats;
  /**
   * The version of `key` in the memory layer: a number that changes every
   * time the key is set there, or undefined when it is absent or expired.
   * Counts nothing. With `touch`, the entry becomes the most recently used,
   * as a lookup would make it. Optional: responses built from a cache
   * without it are simply not kept as bytes (api/cached_responses.ts).
   */
  memoryVersion?(key: string, touch?: boolean): number | undefined;
  /** Counts a memory hit served without `lookup` (from stored response bytes). */
  countMemoryHit?(): void;
}

/** A layer shared between instances (Redis). Values are JSON strings. */
export interface SharedCacheLayer {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(keys: string[]): Promise<void>;
  ping(): Promise<void>;
}

/** What the cache needs to report a failing shared layer. */
export interface CacheWarningLogger {
  warning(message: string, fields?: Record<string, unknown>): void;
}

/** Options for `LruCache`. */
export interface LruCacheOptions<V> {
  now?: () => number;
  /** Bound on the sum of `sizeOf` over entries (default: no bound). */
  maxBytes?: number;
  /** What an entry costs, in bytes (default 0: only counted entries). */
  sizeOf?: (key: string, value: V) => number;
}

/** Bytes V8 holds for a string's characters (one byte each when Latin-1). */
export function stringBytes(text: string): number {
  // deno-lint-ignore no-control-regex
  return /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;
}

/**
 * A bounded least-recently-used map with per-entry expiry, bounded by entry
 * count and, with `sizeOf`, by bytes. A JavaScript `Map` iterates in
 * insertion order, so re-inserting on read keeps the oldest entry first and
 * eviction is O(1).
 *
 * @example
 * const lru = new LruCache<string>(2);
 * lru.set("a", "1", 60_000);
 * lru.get("a"); // "1"
 */
export class LruCache<V> {
  readonly #entries = new Map<
    string,
    { value: V; expiresAt: number; version: number; bytes: number }
  >();
  readonly now: () => number;
  readonly maxBytes: number;
  readonly #sizeOf: (key: string, value: V) => number;
  #nextVersion = 1;
  #bytes = 0;

  constructor(readonly maxEntries: number, options: LruCacheOptions<V> = {}) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `LruCache maxEntries: expected a positive integer, got ${maxEntries}`,
      );
    }
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#sizeOf = options.sizeOf ?? (() => 0);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The sum of `sizeOf` over the entries. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): V | undefined {
    return this.#live(key, true)?.value;
  }

  /**
   * The version of `key`'s entry (it changes on every `set`), or undefined
   * when absent or expired; `touch` makes the entry the most recently used.
   */
  version(key: string, touch = false): number | undefined {
    return this.#live(key, touch)?.version;
  }

  #live(key: string, touch: boolean) {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    if (touch) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Stores `value`; one larger than `maxBytes` on its own is not kept. */
  set(key: string, value: V, ttlMs: number): void {
    this.delete(key);
    const bytes = this.#sizeOf(key, value);
    if (bytes > this.maxBytes) return;
    this.#entries.set(key, {
      value,
      expiresAt: this.now() + ttlMs,
      version: this.#nextVersion++,
      bytes,
    });
    this.#bytes += bytes;
    while (
      this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes
    ) {
      this.delete(this.#entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}

/**
 * What one memory-layer entry costs beyond its key and text: the Map slot,
 * the entry object and its fields (measured, rounded up).
 */
export const ENTRY_OVERHEAD_BYTES = 160;

/** Options for `TieredCache`. */
export interface TieredCacheOptions {
  maxEntries: number;
  /** Bound on the memory layer's bytes (default 64 MiB, CACHE_MAX_BYTES's). */
  maxBytes?: number;
  ttlSeconds: number;
  /** The shared layer; memory only when omitted. */
  shared?: SharedCacheLayer;
  logger?: CacheWarningLogger;
  /** After a shared-layer failure, skip it for this long (default 5 s). */
  cooldownMs?: number;
  now?: () => number;
}

/**
 * Memory first, then the shared layer; a shared hit is copied to memory.
 * Values are stored in memory as JSON text so that callers never share a
 * mutable object through the cache.
 *
 * @example
 * const cache = new TieredCache({ maxEntries: 100, ttlSeconds: 60 });
 * await cache.set("genres", ["Comedy"]);
 * (await cache.lookup<string[]>("genres"))?.value; // ["Comedy"]
 */
export class TieredCache implements Cache {
  readonly kind: "memory" | "upstash";
  readonly #memory: LruCache<string>;
  readonly #shared?: SharedCacheLayer;
  readonly #logger?: CacheWarningLogger;
  readonly #ttlSeconds: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #downUntil = 0;
  #hits = 0;
  #misses = 0;
  #hitsByLayer: Record<CacheLayer, number> = { memory: 0, redis: 0 };
  #sharedErrors = 0;

  constructor(options: TieredCacheOptions) {
    this.#now = options.now ?? Date.now;
    this.#memory = new LruCache<string>(options.maxEntries, {
      now: this.#now,
      maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
      sizeOf: (key, text) =>
        stringBytes(key) + stringBytes(text) + ENTRY_OVERHEAD_BYTES,
    });
    this.#shared = options.shared;
    this.#logger = options.logger;
    this.#ttlSeconds = options.ttlSeconds;
    this.#cooldownMs = options.cooldownMs ?? 5000;
    this.kind = options.shared ? "upstash" : "memory";
  }

  async lookup<T>(
    key: string,
  ): Promise<{ value: T; layer: CacheLayer } | null> {
    const found = await this.lookupText(key);
    return found && { value: JSON.parse(found.text) as T, layer: found.layer };
  }

  async lookupText(
    key: string,
  ): Promise<{ text: string; layer: CacheLayer } | null> {
    const local = this.#memory.get(key);
    if (local !== undefined) {
      this.#hit("memory");
      return { text: local, layer: "memory" };
    }
    const remote = await this.#callShared(
      "get",
      (shared) => shared.get(key),
      null,
    );
    if (remote !== null) {
      this.#memory.set(key, remote, this.#ttlSeconds * 1000);
      this.#hit("redis");
      return { text: remote, layer: "redis" };
    }
    this.#misses++;
    return null;
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const ttl = ttlSeconds ?? this.#ttlSeconds;
    const text = JSON.stringify(value);
    this.#memory.set(key, text, ttl * 1000);
    await this.#callShared(
      "set",
      (shared) => shared.set(key, text, ttl),
      undefined,
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) this.#memory.delete(key);
    await this.#callShared(
      "delete",
      (shared) => shared.delete(keys),
      undefined,
    );
  }

  async ping(): Promise<boolean> {
    if (!this.#shared) return true;
    try {
      await this.#shared.ping();
      this.#downUntil = 0;
      return true;
    } catch (error) {
      this.#sharedFailed("ping", error);
      return false;
    }
  }

  memoryVersion(key: string, touch = false): number | undefined {
    return this.#memory.version(key, touch);
  }

  countMemoryHit(): void {
    this.#hit("memory");
  }

  stats(): CacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      kind: this.kind,
      hits: this.#hits,
      misses: this.#misses,
      hitRatio: lookups === 0 ? 0 : this.#hits / lookups,
      hitsByLayer: { ...this.#hitsByLayer },
      entries: this.#memory.size,
      bytes: this.#memory.bytes,
      maxBytes: this.#memory.maxBytes,
      sharedErrors: this.#sharedErrors,
      sharedDown: this.#now() < this.#downUntil,
    };
  }

  #hit(layer: CacheLayer): void {
    this.#hits++;
    this.#hitsByLayer[layer]++;
  }

  /** Runs one shared-layer call; on failure logs, counts, and returns `fallback`. */
  async #callShared<R>(
    operation: string,
    call: (shared: SharedCacheLayer) => Promise<R>,
    fallback: R,
  ): Promise<R> {
    if (!this.#shared || this.#now() < this.#downUntil) return fallback;
    try {
      const result = await call(this.#shared);
      if (this.#downUntil !== 0) {
        this.#downUntil = 0;
        this.#logger?.warning("Shared cache is answering again", {
          operation,
        });
      }
      return result;
    } catch (error) {
      this.#sharedFailed(operation, error);
      return fallback;
    }
  }

  #sharedFailed(operation: string, error: unknown): void {
    this.#sharedErrors++;
    // Skipping the layer for a while keeps a dead Redis from adding its
    // timeout to every request.
    this.#downUntil = this.#now() + this.#cooldownMs;
    this.#logger?.warning("Shared cache call failed; serving without it", {
      operation,
      // Upstash errors quote the whole command (values included): keep it short.
      error: (error instanceof Error ? error.message : String(error)).slice(
        0,
        200,
      ),
      cooldownMs: this.#cooldownMs,
      sharedErrors: this.#sharedErrors,
    });
  }
}
