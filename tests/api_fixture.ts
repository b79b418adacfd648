/**
 * Shared set-up of the API tests: a SQLite store in a temp dir loaded with
 * the real ml-latest-small through the pipeline (tfidf embedder), an app
 * built on it, and small request helpers.
 * @module
 */
import { SignJWT } from "jose";
import { createApp } from "../api/app.ts";
import { LOCAL_ISSUER } from "../api/auth/local.ts";
import type { AppDeps } from "../api/deps.ts";
import { jsonLogger, type Logger, silentLogger } from "../api/logger.ts";
import { type Config, parseConfig } from "../config/mod.ts";
import { runPipeline } from "../pipeline/run.ts";
import { silentProgress } from "../pipeline/progress.ts";
import { FolderObjectStorage, openSqliteStore } from "../store/mod.ts";
import type { Store } from "../store/types.ts";
import { type PosterRecord, savePosterCache } from "../store/posters.ts";

/** The real dataset, beside the repo (CI clones the repo next to ../shared). */
export const DATASET_DIR = new URL(
  "../../shared/data/ml-latest-small",
  import.meta.url,
).pathname;

function datasetPresent(): boolean {
  try {
    return Deno.statSync(`${DATASET_DIR}/ratings.csv`).isFile;
  } catch {
    return false;
  }
}

/**
 * Environment for `loadedStore`/`loadedDataDir` loading the 12-movie
 * fixture (tests/fixtures/movielens) instead: seconds instead of minutes,
 * for tests that need a loaded store but not the real catalogue.
 */
export const TINY_DATASET_ENV: Record<string, string> = {
  MOVIELENS_DIR: new URL("./fixtures/movielens", import.meta.url).pathname,
};

/** False when ../shared/data is absent: the dataset tests are then ignored. */
export const hasDataset: boolean = datasetPresent();

/** Test name with the reason when the dataset is absent. */
export const datasetTestName = (what: string): string =>
  hasDataset
    ? what
    : `${what} (ignored: ../shared/data/ml-latest-small is absent)`;

/** `name` and `ignore` of a test that needs the dataset: ignored without it. */
export const needsDataset = (
  what: string,
): { name: string; ignore: boolean } => ({
  name: datasetTestName(what),
  ignore: !hasDataset,
});

/** Environment every test config starts from. */
export const BASE_ENV: Record<string, string> = {
  EMBEDDER: "tfidf",
  HYBRID_TUNE: "false",
  RECOMMENDER: "content",
  LOG_LEVEL: "error",
  LOCAL_AUTH_SECRET: "local-test-secret-that-is-long-enough-0123456789",
  // Tests sign up, log in and search many times from one address; the tests
  // of these limits set their own.
  AUTH_RATE_LIMIT_PER_MINUTE: "1000",
  READ_RATE_LIMIT_PER_MINUTE: "100000",
};

/** A loaded store and where it lives. */
export interface LoadedStore {
  store: Store;
  dir: string;
  config: Config;
  close(): Promise<void>;
}

/**
 * Loaded stores built once per test process (per env) and copied for each
 * test: the pipeline, with collaborative training, is the slow part.
 */
const templates = new Map<string, Promise<string>>();

function datasetConfig(dir: string, env: Record<string, string>): Config {
  return parseConfig({
    ...BASE_ENV,
    DATA_DIR: dir,
    MOVIELENS_DIR: DATASET_DIR,
    ...env,
  });
}

async function buildTemplate(env: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "api_template_" });
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  });
  const config = datasetConfig(dir, env);
  const store = await openSqliteStore(`${dir}/movielens.db`);
  try {
    await runPipeline({
      config,
      store,
      objects: new FolderObjectStorage(`${dir}/objects`),
      progress: silentProgress,
    });
  } finally {
    await store.close(); // checkpoints the WAL into the one file copied below
  }
  return dir;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyTree(source, target);
    else await Deno.copyFile(source, target);
  }
}

/**
 * A private copy of the loaded template folder (movielens.db, objects/), for
 * a server process to use as its DATA_DIR; the caller removes it.
 */
export async function loadedDataDir(
  env: Record<string, string> = {},
): Promise<string> {
  const key = JSON.stringify(env);
  if (!templates.has(key)) templates.set(key, buildTemplate(env));
  const template = await templates.get(key)!;
  const dir = await Deno.makeTempDir({ prefix: "api_test_" });
  await copyTree(template, dir);
  return dir;
}

/**
 * Opens a fresh SQLite store in a temp dir holding the real ml-latest-small
 * as the pipeline loads it (tfidf, so no model download): a private copy,
 * so tests may write to it.
 */
export async function loadedStore(
  env: Record<string, string> = {},
): Promise<LoadedStore> {
  const dir = await loadedDataDir(env);
  const config = datasetConfig(dir, env);
  const store = await openSqliteStore(`${dir}/movielens.db`);
  return {
    store,
    dir,
    config,
    async close() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** An empty SQLite store (no dataset) in a temp dir, removed by `close`. */
export async function emptyStore(prefix: string): Promise<LoadedStore> {
  const dir = await Deno.makeTempDir({ prefix });
  const store = await openSqliteStore(`${dir}/movielens.db`);
  return {
    store,
    dir,
    config: parseConfig({ ...BASE_ENV, DATA_DIR: dir }),
    async close() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Builds the app on `store` with test config (env on top of `BASE_ENV`). */
export function testApp(
  store: Store,
  env: Record<string, string> = {},
  deps: Partial<AppDeps> = {},
) {
  const config = parseConfig({ ...BASE_ENV, ...env });
  return createApp({ config, store, logger: silentLogger, ...deps });
}

/** The real JSON logger, writing into an array, for asserting on logs. */
export function collectingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    logger: jsonLogger({ level: "debug", write: (line) => lines.push(line) }),
    lines,
  };
}

/** Options for `signToken`. */
export interface TokenClaims {
  sub?: string;
  aud?: string;
  iss?: string;
  email?: string;
  /** Seconds from now (negative: already expired). */
  expiresIn?: number;
  /** Seconds from now. */
  notBefore?: number;
}

/** An HS256 token like the ones Supabase or local auth issue. */
export async function signToken(
  secret: string,
  claims: TokenClaims = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ email: claims.email ?? "user@example.com" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub ?? "user-1")
    .setAudience(claims.aud ?? "authenticated")
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresIn ?? 3600));
  if (claims.iss) jwt.setIssuer(claims.iss);
  if (claims.notBefore !== undefined) jwt.setNotBefore(now + claims.notBefore);
  return await jwt.sign(new TextEncoder().encode(secret));
}

/** A token as local auth issues it to `sub`, signed with `BASE_ENV`'s secret. */
export const localToken = (sub: string): Promise<string> =>
  signToken(BASE_ENV.LOCAL_AUTH_SECRET, { sub, iss: LOCAL_ISSUER });

/** A bearer header. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The bearer header of the local-auth user `sub`. */
export const localAuth = async (
  sub: string,
): Promise<{ Authorization: string }> => bearer(await localToken(sub));

/** POSTs a rating over HTTP to the API at `baseUrl`, as the bearer of `token`. */
export function postRating(
  baseUrl: string,
  rating: { movieId: number; value: number; token: string },
): Promise<Response> {
  const { movieId, value, token } = rating;
  return fetch(
    `${baseUrl}/api/interactions`,
    postJson({ movieId, type: "rating", value }, bearer(token)),
  );
}

/** What answers requests as a Hono app's `request` does. */
export interface Requests {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** POSTs `interaction` to the app's /api/interactions with the headers `auth`. */
export function postInteraction(
  app: Requests,
  { auth, ...interaction }:
    & { auth: Record<string, string> }
    & Record<
      string,
      unknown
    >,
): Response | Promise<Response> {
  return app.request("/api/interactions", postJson(interaction, auth));
}

/** POSTs `interactions` one after another as `auth`; their statuses. */
export async function postEach(
  app: Requests,
  { auth, interactions }: {
    auth: Record<string, string>;
    interactions: Record<string, unknown>[];
  },
): Promise<number[]> {
  const statuses: number[] = [];
  for (const interaction of interactions) {
    const res = await postInteraction(app, { auth, ...interaction });
    await res.body?.cancel();
    statuses.push(res.status);
  }
  return statuses;
}

/**
 * Rates all of `movieIds` at once as `auth` (values cycling from 0.5 to 5):
 * a burst of concurrent writes for one user.
 */
export function rateAtOnce(
  app: Requests,
  burst: { auth: Record<string, string>; movieIds: number[] },
): Promise<Response[]> {
  return Promise.all(
    burst.movieIds.map((movieId, i) =>
      postInteraction(app, {
        auth: burst.auth,
        movieId,
        type: "rating",
        value: (i % 10 + 1) / 2,
      })
    ),
  );
}

/** A JSON POST init. */
export function postJson(
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** Asserts-free helper: the parsed body of a problem response. */
export async function problemOf(res: Response): Promise<{
  status: number;
  contentType: string | null;
  body: {
    type: string;
    title: string;
    status: number;
    detail: string;
    errors?: { name: string; in: string; reason: string }[];
  };
}> {
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    body: await res.json(),
  };
}

/**
 * Writes the posters step's cache as if TMDB had answered: Toy Story (1)
 * "/toy.jpg", Toy Story 2 (3114) "/toy2.jpg", Jumanji (2) without a poster.
 */
export async function savePosterFixture(store: Store): Promise<void> {
  const checkedAt = Date.now();
  const found = (tmdbId: number, posterPath: string) =>
    ({ tmdbId, status: "found", posterPath, checkedAt }) as const;
  await savePosterCache(
    store.meta,
    new Map<number, PosterRecord>([
      [1, found(862, "/toy.jpg")],
      [3114, found(863, "/toy2.jpg")],
      [2, { tmdbId: 8844, status: "none", posterPath: null, checkedAt }],
    ]),
  );
}
