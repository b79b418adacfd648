/**
 * The fingerprint of a user's history keys the user's cached
 * recommendations. It is a hash of the history's content, so it is the same
 * on every instance (the shared cache layer needs that) and any change to
 * the history, by any writer, makes the old entry unreachable. Reading the
 * whole history only to hash it is most of the cost of a cache hit, so
 * `HistoryFingerprints` remembers each user's fingerprint while the store's
 * cheap history version (`InteractionStore.historyVersion`) stays the same.
 * @module
 */
import type { Interaction } from "../core/types.ts";
import type { InteractionStore } from "../store/types.ts";

/**
 * A 53-bit hash of a user's history (cyrb53). It is part of the cache key of
 * the user's recommendations, so any change to the history, on any instance,
 * makes the old entry unreachable: invalidation without a delete race.
 *
 * @example
 * historyFingerprint([]); // the same string for every empty history
 */
export function historyFingerprint(history: Interaction[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const i of history) {
    const text = `${i.movieId}:${i.type}:${i.value}:${i.timestamp};`;
    for (let k = 0; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^
    Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^
    Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** A user's fingerprint, and the history when it had to be read for it. */
export interface UserFingerprint {
  fingerprint: string;
  /** Null when the remembered fingerprint was still valid. */
  history: Interaction[] | null;
}

/**
 * Users' history fingerprints, remembered while the store's history version
 * is unchanged (a store without versions is read every time).
 *
 * @example
 * const fingerprints = new HistoryFingerprints(store.interactions, 5000);
 * const { fingerprint } = await fingerprints.of("ml:1");
 */
export class HistoryFingerprints {
  readonly #interactions: InteractionStore;
  readonly #maxEntries: number;
  readonly #known = new Map<string, { version: string; fingerprint: string }>();

  constructor(interactions: InteractionStore, maxEntries: number) {
    this.#interactions = interactions;
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** The fingerprint of `userId`'s current history. */
  async of(userId: string): Promise<UserFingerprint> {
    // the version is read before the history, so a write in between makes
    // the remembered pair look old, never the other way round
    const version = await this.#interactions.historyVersion?.(userId) ?? null;
    if (version !== null) {
      const known = this.#known.get(userId);
      if (known?.version === version) {
        return { fingerprint: known.fingerprint, history: null };
      }
    }
    const history = await this.#interactions.forUser(userId);
    const fingerprint = historyFingerprint(history);
    if (version !== null) {
      this.#known.delete(userId);
      this.#known.set(userId, { version, fingerprint });
      if (this.#known.size > this.#maxEntries) {
        this.#known.delete(this.#known.keys().next().value as string);
      }
    }
    return { fingerprint, history };
  }
}
