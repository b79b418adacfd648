/**
 * Refresh tokens for local accounts, shaped like Supabase's: a sign-in opens
 * a session; its refresh token is rotated on every use (the old one stops
 * working), a token used twice means it was stolen and ends the session, and
 * logging out ends it too. Access tokens carry the session id, so an ended
 * session's access tokens are refused as well.
 *
 * A refresh token is `<session id>.<generation>.<mac>`: the MAC (HMAC-SHA256
 * under a key derived from the signing secret) makes it unguessable, and the
 * store keeps only the session's current generation, never a token. A
 * request that races another one with the same token (two tabs refreshing
 * at once) within `reuseIntervalMs` gets the same next token, as Supabase's
 * reuse interval allows.
 * @module
 */
import type { MetaStore } from "../../store/types.ts";

/** How long a session lasts without being used (Supabase's inactivity timeout). */
export const SESSION_IDLE_DAYS = 30;
/** Two refreshes with one token this close together are one client racing itself. */
export const REUSE_INTERVAL_MS = 10_000;

/** Why a refresh token was refused. */
export class RefreshRefused extends Error {
  constructor(
    readonly reason: "malformed" | "unknown" | "ended" | "reused",
    message: string,
    /** The session a reuse ended, so that callers forget its tokens. */
    readonly endedSession?: string,
  ) {
    super(message);
    this.name = "RefreshRefused";
  }
}

/** A session as stored under `session:<id>` in the meta store. */
interface SessionRecord {
  userId: string;
  email: string;
  /** Generation of the one refresh token that may be used next. */
  generation: number;
  /** When the current generation was issued, ms. */
  rotatedAt: number;
  createdAt: number;
  /** Set when the session ended (logout, or a reused token), ms. */
  endedAt: number | null;
}

/** What a refresh gives: the session's user and its next refresh token. */
export interface RefreshedSession {
  sessionId: string;
  user: { id: string; email: string };
  refreshToken: string;
}

/** Options for `LocalSessions`. */
export interface LocalSessionsOptions {
  now?: () => number;
  reuseIntervalMs?: number;
  idleDays?: number;
}

const sessionKey = (id: string) => `session:${id}`;
const SESSION_ID = /^[0-9a-f-]{36}$/;

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Constant-time comparison of two strings of MAC text. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Local sessions and their rotating refresh tokens, kept in the meta store.
 *
 * @example
 * const sessions = new LocalSessions(store.meta, () => secretBytes);
 * const { sessionId, refreshToken } = await sessions.open({ id, email });
 * const next = await sessions.refresh(refreshToken); // rotated
 * await sessions.end(sessionId);
 */
export class LocalSessions {
  readonly #meta: MetaStore;
  readonly #secret: () => Promise<Uint8Array>;
  readonly #now: () => number;
  readonly #reuseIntervalMs: number;
  readonly #idleMs: number;
  #macKey?: Promise<CryptoKey>;

  constructor(
    meta: MetaStore,
    secret: () => Promise<Uint8Array>,
    options: LocalSessionsOptions = {},
  ) {
    this.#meta = meta;
    this.#secret = secret;
    this.#now = options.now ?? Date.now;
    this.#reuseIntervalMs = options.reuseIntervalMs ?? REUSE_INTERVAL_MS;
    this.#idleMs = (options.idleDays ?? SESSION_IDLE_DAYS) * 86_400_000;
  }

  /** Opens a session for a user who just proved who they are. */
  async open(
    user: { id: string; email: string },
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = crypto.randomUUID();
    const now = this.#now();
    await this.#write(sessionId, {
      userId: user.id,
      email: user.email,
      generation: 0,
      rotatedAt: now,
      createdAt: now,
      endedAt: null,
    });
    return { sessionId, refreshToken: await this.#token(sessionId, 0) };
  }

  /**
   * Trades a refresh token for the session's next one; throws
   * `RefreshRefused` for a forged, unknown, ended or reused token (a reuse
   * ends the session: whoever holds either copy must log in again).
   */
  async refresh(refreshToken: string): Promise<RefreshedSession> {
    const [sessionId, generationText, mac] = refreshToken.split(".");
    const generation = Number(generationText);
    if (
      !SESSION_ID.test(sessionId ?? "") || !Number.isSafeInteger(generation) ||
      generation < 0 || String(generation) !== generationText || !mac ||
      !sameText(mac, await this.#mac(sessionId, generation))
    ) {
      throw new RefreshRefused("malformed", "The refresh token is not valid");
    }
    const record = await this.#read(sessionId);
    if (!record) {
      throw new RefreshRefused("unknown", "The refresh token is not valid");
    }
    const now = this.#now();
    if (record.endedAt !== null || now - record.rotatedAt > this.#idleMs) {
      throw new RefreshRefused(
        "ended",
        "The session has ended: please log in again",
      );
    }
    const user = { id: record.userId, email: record.email };
    if (generation === record.generation) {
      const next = { ...record, generation: generation + 1, rotatedAt: now };
      await this.#write(sessionId, next);
      return {
        sessionId,
        user,
        refreshToken: await this.#token(sessionId, next.generation),
      };
    }
    if (
      generation === record.generation - 1 &&
      now - record.rotatedAt <= this.#reuseIntervalMs
    ) {
      // The same client, racing itself: it gets what the first request got.
      return {
        sessionId,
        user,
        refreshToken: await this.#token(sessionId, record.generation),
      };
    }
    await this.end(sessionId);
    throw new RefreshRefused(
      "reused",
      "The refresh token was already used, so the session was ended: please log in again",
      sessionId,
    );
  }

  /** Ends a session: its refresh and access tokens stop working. */
  async end(sessionId: string): Promise<void> {
    const record = await this.#read(sessionId);
    if (!record || record.endedAt !== null) return;
    await this.#write(sessionId, { ...record, endedAt: this.#now() });
  }

  /** True while the session may be used (not ended, not idle too long). */
  async isActive(sessionId: string): Promise<boolean> {
    const record = await this.#read(sessionId);
    return record !== null && record.endedAt === null &&
      this.#now() - record.rotatedAt <= this.#idleMs;
  }

  async #read(sessionId: string): Promise<SessionRecord | null> {
    const text = await this.#meta.get(sessionKey(sessionId));
    return text ? JSON.parse(text) as SessionRecord : null;
  }

  #write(sessionId: string, record: SessionRecord): Promise<void> {
    return this.#meta.set(sessionKey(sessionId), JSON.stringify(record));
  }

  async #token(sessionId: string, generation: number): Promise<string> {
    return `${sessionId}.${generation}.${await this.#mac(
      sessionId,
      generation,
    )}`;
  }

  async #mac(sessionId: string, generation: number): Promise<string> {
    this.#macKey ??= this.#deriveKey();
    const signature = await crypto.subtle.sign(
      "HMAC",
      await this.#macKey,
      new TextEncoder().encode(`refresh:${sessionId}.${generation}`),
    );
    return base64url(signature);
  }

  /** A key of its own, derived from the signing secret (never the same key). */
  async #deriveKey(): Promise<CryptoKey> {
    const secret = await crypto.subtle.importKey(
      "raw",
      (await this.#secret()) as Uint8Array<ArrayBuffer>,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const derived = await crypto.subtle.sign(
      "HMAC",
      secret,
      new TextEncoder().encode("movielens refresh tokens v1"),
    );
    return await crypto.subtle.importKey(
      "raw",
      derived,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
  }
}
