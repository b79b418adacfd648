/**
 * Local sign-up and log-in for when no Supabase project is configured. It
 * issues HS256 tokens of the same shape Supabase does (aud "authenticated",
 * sub, email, exp, session_id) and a rotating refresh token per session
 * (./sessions.ts), so the web app and the tests have one code path.
 * Users live in the store's meta table under `user:<email>`.
 * @module
 */
import { jwtVerify, SignJWT } from "jose";
import type { MetaStore } from "../../store/types.ts";
import type { AuthUser } from "../context.ts";
import { localSecret } from "./local_secret.ts";
import {
  DEFAULT_ITERATIONS,
  hashPassword,
  type PasswordHash,
  verifyPassword,
} from "./password.ts";
import {
  hmacVerifyKey,
  InvalidTokenError,
  refusal,
  TOKEN_AUDIENCE,
  type TokenVerifier,
  userFromClaims,
} from "./token.ts";
import { LocalSessions } from "./sessions.ts";

/** The issuer of local tokens, so they are never mistaken for Supabase ones. */
export const LOCAL_ISSUER = "movielens-local";
/**
 * Access tokens are short-lived (15 minutes) since a refresh token renews
 * them: an ended session's tokens that another server instance has already
 * accepted stop working within this time.
 */
export const TOKEN_LIFETIME_SECONDS = 900;

/** A session as returned by sign-up, log-in and refresh. */
export interface LocalSession {
  accessToken: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** Trades for the next session once (`refresh`); rotated on each use. */
  refreshToken: string;
  user: { id: string; email: string };
}

interface StoredUser {
  id: string;
  email: string;
  password: PasswordHash;
  createdAt: number;
}

/** Why sign-up or log-in was refused. */
export class LocalAuthError extends Error {
  constructor(
    readonly reason: "email-taken" | "bad-credentials",
    message: string,
  ) {
    super(message);
    this.name = "LocalAuthError";
  }
}

/** Options for `LocalAuth`. */
export interface LocalAuthOptions {
  /** `LOCAL_AUTH_SECRET`. */
  secret?: string;
  /**
   * Without `secret`: the file holding the generated one (local_secret.ts).
   * Without either, a secret lives in memory and tokens die with the process.
   */
  secretFile?: string;
  /** PBKDF2 iterations for new passwords. */
  iterations?: number;
  now?: () => number;
}

const userKey = (email: string) => `user:${email.trim().toLowerCase()}`;

/**
 * Local users and their tokens.
 *
 * @example
 * const auth = new LocalAuth(store.meta);
 * await auth.signup("ada@example.com", "correct horse");
 * const session = await auth.login("ada@example.com", "correct horse");
 * await auth.verifier.verify(session.accessToken); // { id, email, sessionId }
 */
export class LocalAuth {
  readonly verifier: TokenVerifier;
  readonly #meta: MetaStore;
  readonly #options: LocalAuthOptions;
  #secret?: Promise<Uint8Array>;
  #verifyKey?: Promise<CryptoKey>;
  /** Serialises sign-ups: the meta store has no insert-if-absent. */
  #signupQueue: Promise<unknown> = Promise.resolve();
  readonly #sessions: LocalSessions;

  constructor(meta: MetaStore, options: LocalAuthOptions = {}) {
    this.#meta = meta;
    this.#options = options;
    this.#sessions = new LocalSessions(meta, () => this.#key(), {
      now: () => this.#now(),
    });
    this.verifier = {
      kind: "local",
      verify: async (token: string): Promise<AuthUser> => {
        try {
          this.#verifyKey ??= this.#key().then(hmacVerifyKey);
          const { payload } = await jwtVerify(token, await this.#verifyKey, {
            algorithms: ["HS256"],
            audience: TOKEN_AUDIENCE,
            issuer: LOCAL_ISSUER,
            requiredClaims: ["sub", "exp"],
          });
          const user = userFromClaims(payload);
          if (
            user.sessionId && !await this.#sessions.isActive(user.sessionId)
          ) {
            throw new InvalidTokenError(
              "The session of this access token has ended: log in again",
            );
          }
          return user;
        } catch (error) {
          throw refusal(error);
        }
      },
    };
  }

  /**
   * Trades a refresh token for a new session (new access token, next refresh
   * token); throws `RefreshRefused` when the token cannot be used.
   */
  async refresh(refreshToken: string): Promise<LocalSession> {
    const { sessionId, user, refreshToken: next } = await this.#sessions
      .refresh(refreshToken);
    return {
      ...await this.#accessToken(user, sessionId),
      refreshToken: next,
      user,
    };
  }

  /** Ends a session (log out): its refresh and access tokens stop working. */
  logout(sessionId: string): Promise<void> {
    return this.#sessions.end(sessionId);
  }

  /**
   * Creates a user; refuses an email that is already registered. It opens no
   * session: sign-up answers alike for new and taken emails, so the caller
   * logs in next.
   */
  signup(email: string, password: string): Promise<void> {
    const run = this.#signupQueue.then(async () => {
      const key = userKey(email);
      if (await this.#meta.get(key)) {
        // As long as a sign-up takes, so that timing does not reveal accounts.
        await hashPassword(
          password,
          this.#options.iterations ?? DEFAULT_ITERATIONS,
        );
        throw new LocalAuthError(
          "email-taken",
          `An account with email ${email} already exists`,
        );
      }
      const user: StoredUser = {
        id: crypto.randomUUID(),
        email: email.trim().toLowerCase(),
        password: await hashPassword(
          password,
          this.#options.iterations ?? DEFAULT_ITERATIONS,
        ),
        createdAt: this.#now(),
      };
      await this.#meta.set(key, JSON.stringify(user));
    });
    this.#signupQueue = run.catch(() => undefined);
    return run;
  }

  /** Checks the password; the same refusal for unknown email and wrong password. */
  async login(email: string, password: string): Promise<LocalSession> {
    const text = await this.#meta.get(userKey(email));
    const refused = new LocalAuthError(
      "bad-credentials",
      "The email or password is not correct",
    );
    if (!text) {
      // Spend the same time as a real check so timing does not reveal accounts.
      await hashPassword(
        password,
        this.#options.iterations ?? DEFAULT_ITERATIONS,
      );
      throw refused;
    }
    const user = JSON.parse(text) as StoredUser;
    if (!(await verifyPassword(password, user.password))) throw refused;
    return this.#session(user);
  }

  async #session(user: StoredUser): Promise<LocalSession> {
    const who = { id: user.id, email: user.email };
    const { sessionId, refreshToken } = await this.#sessions.open(who);
    return {
      ...await this.#accessToken(who, sessionId),
      refreshToken,
      user: who,
    };
  }

  async #accessToken(
    user: { id: string; email: string },
    sessionId: string,
  ): Promise<{ accessToken: string; expiresAt: number }> {
    const issuedAt = Math.floor(this.#now() / 1000);
    const expiresAt = issuedAt + TOKEN_LIFETIME_SECONDS;
    const accessToken = await new SignJWT({
      email: user.email,
      role: "authenticated",
      session_id: sessionId,
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(user.id)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuer(LOCAL_ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(await this.#key());
    return { accessToken, expiresAt };
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #key(): Promise<Uint8Array> {
    this.#secret ??= this.#loadSecret();
    return this.#secret;
  }

  async #loadSecret(): Promise<Uint8Array> {
    const secret = this.#options.secret ??
      (this.#options.secretFile
        ? await localSecret(this.#options.secretFile, this.#meta)
        : crypto.randomUUID() + crypto.randomUUID());
    return new TextEncoder().encode(secret);
  }
}
