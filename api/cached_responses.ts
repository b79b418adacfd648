/**
 * Stored responses for public cached GETs, served ahead of the Hono
 * middleware chain. When the full path answers a public GET with 200 from
 * cache entries (`cached()` notes which, with their memory-layer versions),
 * its bytes and headers are kept under the request target and Origin. A
 * later identical request is answered from them while every one of those
 * entries is still in the memory layer at the same version, so the stored
 * bytes expire, are evicted and are replaced exactly when the memory-layer
 * entries are; anything else goes through the full path. What the full
 * path would add per request is added here too: a request id (the caller's
 * `X-Request-Id` when valid, as hono/request-id does), `X-Cache: hit-memory`,
 * the memory-hit count and the request log line.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Cache } from "../store/cache/tiered.ts";
import type { AppEnv } from "./context.ts";
import type { RequestLog } from "./middleware/request_log.ts";

/** Options for `FastPath`. */
export interface FastPathOptions {
  cache: Cache;
  /** The app's request log, so that both paths write the same entries. */
  requestLog: RequestLog;
  /** Stored responses at most (default 1000). */
  maxEntries?: number;
  /** Stored body bytes at most (default 8 MiB). */
  maxBytes?: number;
  /**
   * What else bodies are built from, as a number that moves when it changes
   * (the served poster paths): a stored body of another one is stale.
   */
  generation?: () => number;
}

/** One stored response and the cache entries it was built from. */
interface StoredResponse {
  /** Cloned per request: a clone copies the header list without revalidating it. */
  template: Response;
  sources: { key: string; version: number }[];
  /** `FastPathOptions.generation` when the body was built. */
  generation: number | undefined;
  path: string;
  bytes: number;
  responseSize: () => string | undefined;
}

/** hono/request-id's rule for a caller-supplied id. */
const INVALID_REQUEST_ID = /[^\w\-=]/;
const MAX_REQUEST_ID_LENGTH = 255;

/**
 * Path and query of a request URL, or null when the path is percent-encoded
 * (the router decodes it; such requests take the full path).
 */
function requestTarget(url: string): { target: string; path: string } | null {
  const start = url.indexOf("/", url.indexOf(":") + 3);
  if (start < 0) return null;
  const query = url.indexOf("?", start);
  const path = query < 0 ? url.slice(start) : url.slice(start, query);
  if (path.includes("%")) return null;
  return { target: url.slice(start), path };
}

/** CORS answers depend on Origin, so it is part of the key. */
function entryKey(origin: string | null, target: string): string {
  return origin ? `${origin} ${target}` : target;
}

/**
 * The fast path of one app: `serve` before the app, `capture()` as its
 * outermost middleware.
 *
 * @example
 * const fast = new FastPath({ cache, requestLog: new RequestLog(logger) });
 * app.use(fast.capture());
 * const handle = (req: Request) => fast.serve(req) ?? app.fetch(req);
 */
export class FastPath {
  readonly #cache: Cache;
  readonly #requestLog: RequestLog;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #generation: () => number | undefined;
  readonly #entries = new Map<string, StoredResponse>();
  #bytes = 0;

  constructor(options: FastPathOptions) {
    this.#cache = options.cache;
    this.#requestLog = options.requestLog;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.#generation = options.generation ?? (() => undefined);
  }

  /** Stored responses, for tests and metrics. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The stored response for `request`, or null when the full path must
   * answer (not a GET, nothing stored, or a source entry changed). Deno
   * gives a GET no body, so the body limit has nothing to judge here.
   */
  serve(request: Request): Response | null {
    if (request.method !== "GET" || this.#entries.size === 0) return null;
    const started = performance.now();
    const parts = requestTarget(request.url);
    if (!parts) return null;
    const headers = request.headers;
    const key = entryKey(headers.get("origin"), parts.target);
    const stored = this.#entries.get(key);
    if (!stored) return null;
    if (stored.generation !== this.#generation()) {
      this.#drop(key, stored);
      return null;
    }
    const cache = this.#cache;
    for (const source of stored.sources) {
      // touch: a hit keeps the entry recent, as a lookup would
      if (cache.memoryVersion?.(source.key, true) !== source.version) {
        this.#drop(key, stored);
        return null;
      }
    }
    for (let i = 0; i < stored.sources.length; i++) cache.countMemoryHit?.();
    // most recently used last, so that eviction takes the oldest
    this.#entries.delete(key);
    this.#entries.set(key, stored);
    let requestId = headers.get("x-request-id");
    if (
      !requestId || requestId.length > MAX_REQUEST_ID_LENGTH ||
      INVALID_REQUEST_ID.test(requestId)
    ) requestId = crypto.randomUUID();
    const response = stored.template.clone();
    response.headers.set("X-Request-Id", requestId);
    this.#requestLog.finish(request, requestId, {
      status: 200,
      started,
      path: stored.path,
      responseSize: stored.responseSize,
      cache: "hit-memory",
    });
    return response;
  }

  /**
   * Middleware (register it first) that stores eligible responses: GET, 200,
   * `Cache-Control: public`, no authenticated user, built only from cache
   * entries still at the version they were read at.
   */
  capture(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const generation = this.#generation();
      await next();
      const sources = c.get("cacheSources");
      if (
        c.req.method !== "GET" || c.res.status !== 200 || !sources?.length ||
        this.#generation() !== generation ||
        c.get("user") !== undefined ||
        !c.res.headers.get("cache-control")?.startsWith("public")
      ) return;
      const versions: { key: string; version: number }[] = [];
      for (const { key, version } of sources) {
        // a newer value was stored meanwhile: this body may be stale already
        if (
          version === undefined ||
          this.#cache.memoryVersion?.(key) !== version
        ) return;
        versions.push({ key, version });
      }
      const parts = requestTarget(c.req.url);
      if (!parts) return;
      const body = new Uint8Array(await c.res.clone().arrayBuffer());
      const responseSize = c.res.headers.get("content-length") ?? undefined;
      const headers: [string, string][] = [];
      for (const [name, value] of c.res.headers) {
        // per request, and per client: a replayed answer is not counted
        if (name === "x-request-id" || name.startsWith("ratelimit-")) continue;
        headers.push([name, name === "x-cache" ? "hit-memory" : value]);
      }
      this.#store(entryKey(c.req.header("origin") ?? null, parts.target), {
        template: new Response(body, { status: 200, headers }),
        sources: versions,
        generation,
        path: parts.path,
        bytes: body.byteLength,
        responseSize: () => responseSize,
      });
    };
  }

  #store(key: string, stored: StoredResponse): void {
    if (stored.bytes > this.#maxBytes) return;
    const previous = this.#entries.get(key);
    if (previous) this.#drop(key, previous);
    this.#entries.set(key, stored);
    this.#bytes += stored.bytes;
    for (const [oldKey, old] of this.#entries) {
      if (
        this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes
      ) break;
      this.#drop(oldKey, old);
    }
  }

  #drop(key: string, stored: StoredResponse): void {
    if (this.#entries.get(key) !== stored) return;
    this.#entries.delete(key);
    this.#bytes -= stored.bytes;
  }
}
