/**
 * The one place that reads the environment. Every variable is parsed and
 * validated here, once, at start; an error lists every bad variable.
 * Keep `.env.sample` in step (a test checks that they match).
 */
import { z } from "zod";

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const optionalText = z.string().trim().min(1).optional();
const optionalUrl = z.url().optional();
const flag = (fallback: boolean) =>
  z.enum(["true", "false", "1", "0"]).default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

/** Schema of every environment variable the project reads. */
export const envSchema = z.object({
  // Where things live
  DATA_DIR: z.string().default("./.data"),
  STORE: z.enum(["sqlite", "mongodb"]).optional(),
  SQLITE_BUSY_TIMEOUT_MS: int(5000, 0, 60000),
  MONGODB_URI: optionalText,
  MONGODB_DB: z.string().default("movielens"),
  GCS_BUCKET: optionalText,
  GCS_PREFIX: z.string().default("movielens/"),
  OBJECT_DIR: optionalText,
  // Pipeline
  MOVIELENS_VARIANT: z.string().regex(/^ml-[a-z0-9-]+$/).default(
    "ml-latest-small",
  ),
  MOVIELENS_DIR: optionalText,
  MOVIELENS_ZIP: optionalText,
  MOVIELENS_BASE_URL: z.url().default(
    "https://files.grouplens.org/datasets/movielens",
  ),
  EMBEDDER: z.enum(["minilm", "tfidf"]).default("minilm"),
  EMBEDDING_MODEL: z.string().default("Xenova/all-MiniLM-L6-v2"),
  EMBEDDING_DTYPE: z.enum(["fp32", "q8"]).default("fp32"),
  MODEL_DIR: optionalText,
  ALLOW_REMOTE_MODELS: flag(true),
  EMBED_BATCH_SIZE: int(64, 1, 4096),
  NEIGHBOURS_K: int(50, 1, 1000),
  HYBRID_TUNE: flag(true),
  TMDB_API_KEY: optionalText,
  TMDB_READ_ACCESS_TOKEN: optionalText,
  TMDB_API_URL: z.url().default("https://api.themoviedb.org/3"),
  TMDB_REQUESTS_PER_SECOND: int(20, 1, 50),
  POSTER_MAX_AGE_DAYS: int(30, 1, 3650),
  POSTER_REFRESH_SECONDS: int(60, 1, 86400),
  CLOUD_RUN_TASK_INDEX: int(0, 0),
  CLOUD_RUN_TASK_COUNT: int(1, 1),
  // API
  PORT: int(8000, 1, 65535),
  API_ISOLATES: z.union([
    z.literal("auto"),
    z.coerce.number().int().min(1).max(64),
  ])
    .default(1),
  RECOMMENDER: z.enum(["hybrid", "ease", "itemknn", "content", "popular"])
    .default("hybrid"),
  VECTOR_SEARCH: z.enum(["auto", "atlas", "memory"]).default("auto"),
  VECTOR_SEARCH_MIN_MOVIES: int(100_000, 1),
  SUPABASE_URL: optionalUrl,
  SUPABASE_ANON_KEY: optionalText,
  SUPABASE_JWT_SECRET: optionalText,
  SUPABASE_JWT_ISSUER: optionalText,
  LOCAL_AUTH_SECRET: z.string().trim().min(
    32,
    "must be at least 32 characters (e.g. `openssl rand -hex 32`)",
  ).optional(),
  UPSTASH_REDIS_REST_URL: optionalUrl,
  UPSTASH_REDIS_REST_TOKEN: optionalText,
  CACHE_TTL_SECONDS: int(300, 1),
  CACHE_MAX_ENTRIES: int(5000, 1),
  CACHE_MAX_BYTES: int(64 * 1024 * 1024, 1024 * 1024),
  REDIS_TIMEOUT_MS: int(250, 10, 60000),
  RATE_LIMIT_PER_MINUTE: int(60, 1),
  AUTH_RATE_LIMIT_PER_MINUTE: int(10, 1),
  READ_RATE_LIMIT_PER_MINUTE: int(120, 1),
  PASSWORD_HASH_CONCURRENCY: int(1, 1, 64),
  TRUSTED_PROXY_COUNT: int(0, 0, 10),
  FORWARDED_CLIENT_SECRET: z.string().trim().min(
    32,
    "must be at least 32 characters (e.g. `openssl rand -hex 32`)",
  ).optional(),
  MAX_BODY_BYTES: int(16384, 256),
  CORS_ORIGINS: z.string().default(""),
  LOG_LEVEL: z.enum(["debug", "info", "warning", "error"]).default("info"),
  REQUEST_LOG_SAMPLE: z.coerce.number().min(0).max(1).default(0.1),
  SLOW_REQUEST_MS: int(500, 1),
  GOOGLE_CLOUD_PROJECT: optionalText,
  // Web
  API_URL: optionalUrl,
}).superRefine((env, ctx) => {
  if (env.STORE === "mongodb" && !env.MONGODB_URI) {
    ctx.addIssue({
      code: "custom",
      path: ["MONGODB_URI"],
      message: "is required when STORE=mongodb",
    });
  }
  if (
    env.VECTOR_SEARCH === "atlas" &&
    (env.STORE ?? (env.MONGODB_URI ? "mongodb" : "sqlite")) !== "mongodb"
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["VECTOR_SEARCH"],
      message:
        "atlas needs the MongoDB store (STORE=mongodb with MONGODB_URI); use auto or memory",
    });
  }
  if (!!env.UPSTASH_REDIS_REST_URL !== !!env.UPSTASH_REDIS_REST_TOKEN) {
    ctx.addIssue({
      code: "custom",
      path: ["UPSTASH_REDIS_REST_TOKEN"],
      message:
        "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together",
    });
  }
  if (env.CLOUD_RUN_TASK_INDEX >= env.CLOUD_RUN_TASK_COUNT) {
    ctx.addIssue({
      code: "custom",
      path: ["CLOUD_RUN_TASK_INDEX"],
      message: "must be less than CLOUD_RUN_TASK_COUNT",
    });
  }
  // Run even when single fields failed, so that one error lists every problem.
}, { when: () => true });

export type Env = z.infer<typeof envSchema>;

/** The validated configuration, with defaults resolved. */
export interface Config extends Env {
  /** Which store adapter to use: MongoDB when configured, SQLite otherwise. */
  store: "sqlite" | "mongodb";
  /** Folder for the SQLite file, object cache and models. */
  dataDir: string;
  objectDir: string;
  modelDir: string;
  /** CORS allow-list, parsed from CORS_ORIGINS (comma separated). */
  corsOrigins: string[];
  /** True when Supabase verifies tokens (local auth is then refused). */
  supabaseAuth: boolean;
  /** Isolates `api/main.ts` serves with (API_ISOLATES, "auto" resolved). */
  apiIsolates: number;
}

/** Thrown when the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${
        problems.map((p) => `  - ${p}`).join("\n")
      }\nSee .env.sample for every variable.`,
    );
    this.name = "ConfigError";
  }
}

/**
 * Parses an environment (a plain object, so tests pass their own).
 *
 * @example
 * const config = parseConfig({ EMBEDDER: "tfidf" });
 * config.store; // "sqlite"
 */
export function parseConfig(
  env: Record<string, string | undefined>,
): Config {
  // An empty variable means "not set" (as in a .env file with `KEY=`).
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".") || "environment";
        const value = cleaned[name];
        const shown = value === undefined || /SECRET|TOKEN|KEY|URI/.test(name)
          ? ""
          : ` (got "${value}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const dataDir = e.DATA_DIR;
  return {
    ...e,
    store: e.STORE ?? (e.MONGODB_URI ? "mongodb" : "sqlite"),
    dataDir,
    objectDir: e.OBJECT_DIR ?? `${dataDir}/objects`,
    modelDir: e.MODEL_DIR ?? `${dataDir}/models`,
    corsOrigins: e.CORS_ORIGINS.split(",").map((s) => s.trim()).filter(
      Boolean,
    ),
    supabaseAuth: !!(e.SUPABASE_JWT_SECRET || e.SUPABASE_URL),
    // the CPUs this process may use (cgroup quotas included)
    apiIsolates: e.API_ISOLATES === "auto"
      ? Math.max(1, navigator.hardwareConcurrency)
      : e.API_ISOLATES,
  };
}

/** Reads and validates `Deno.env`; the only caller of `Deno.env` in the project. */
export function configFromEnv(): Config {
  return parseConfig(Deno.env.toObject());
}

/** Names of every variable the project reads (for the `.env.sample` check). */
export const envVariableNames: string[] = Object.keys(envSchema.shape);
