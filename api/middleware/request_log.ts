/**
 * Request logs that keep what Cloud Run's own request log lacks. Cloud Run
 * already records every request (method, URL, status, latency, size, user
 * agent, IP) with its trace; so an ordinary request gets a short line
 * (request id, trace, cache outcome, user, latency; no `httpRequest`), and
 * only a sample of them (`REQUEST_LOG_SAMPLE`) when volume or cost matters.
 * Errors (status ≥ 400) and slow requests (≥ `SLOW_REQUEST_MS`) are never
 * sampled out and carry the full `httpRequest`, so one entry says it all.
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import type { LogFields, Logger, Severity } from "../logger.ts";

/** Options for `RequestLog`. */
export interface RequestLogOptions {
  /** Google Cloud project id; makes trace ids clickable in Cloud Logging. */
  projectId?: string;
  /**
   * Share of ordinary requests (status < 400, faster than `slowMs`) that
   * get a line, 0 to 1 (default 1: every one). Taken evenly, not at random.
   */
  sampleRate?: number;
  /** Requests at least this slow are always logged, as warnings (default 500). */
  slowMs?: number;
}

/** Query parameters whose values never reach the logs. */
const SECRET_PARAMS = /token|key|secret|password|code/i;

/** The request URL with secret-looking query values replaced. */
export function loggableUrl(url: string): string {
  // A request URL is already serialised: without a query there is nothing
  // to redact, and its path is what `new URL(url).pathname` would give.
  if (!url.includes("?") && !url.includes("#")) {
    const start = url.indexOf("/", url.indexOf(":") + 3);
    if (start > 0) return url.slice(start);
  }
  const parsed = new URL(url);
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.test(name)) parsed.searchParams.set(name, "[redacted]");
  }
  return parsed.pathname + parsed.search;
}

const TRACE_CONTEXT = /^([0-9a-f]{32})(?:\/(\d+))?(?:;o=([01]))?/i;

/**
 * Trace fields from `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1`, in the
 * special keys Cloud Logging uses to group a request's entries.
 */
export function traceFields(
  header: string | undefined,
  projectId?: string,
): Record<string, unknown> {
  const match = header && TRACE_CONTEXT.exec(header);
  if (!match) return {};
  const [, traceId, spanId, sampled] = match;
  return {
    "logging.googleapis.com/trace": projectId
      ? `projects/${projectId}/traces/${traceId}`
      : traceId,
    ...(spanId ? { "logging.googleapis.com/spanId": spanId } : {}),
    ...(sampled
      ? { "logging.googleapis.com/trace_sampled": sampled === "1" }
      : {}),
  };
}

/**
 * `traceFields` as JSON object members with a leading comma, built from
 * the matched hex and digits without an object in between ("" without a
 * trace). `tracePrefix` is `"projects/<id>/traces/` as JSON, or `"`.
 */
function traceMembers(header: string, tracePrefix: string): string {
  const match = TRACE_CONTEXT.exec(header);
  if (!match) return "";
  const [, traceId, spanId, sampled] = match;
  let members = `,"logging.googleapis.com/trace":${tracePrefix}${traceId}"`;
  if (spanId) members += `,"logging.googleapis.com/spanId":"${spanId}"`;
  if (sampled) {
    members += `,"logging.googleapis.com/trace_sampled":${sampled === "1"}`;
  }
  return members;
}

/** What the log entry of one finished request says beyond the request. */
export interface FinishedRequest {
  status: number;
  /** `performance.now()` when the request arrived. */
  started: number;
  /** The path without the query, as routed. */
  path: string;
  /** The Content-Length answered, read only when a full entry is written. */
  responseSize?: () => string | undefined;
  userId?: string;
  cache?: string;
}

/**
 * A request's logger that names its request id and trace on every entry.
 * It adds them to each entry's fields instead of building a child logger,
 * so a request that logs nothing costs one small object.
 */
class RequestLogger implements Logger {
  #fields?: LogFields;
  constructor(
    readonly parent: Logger,
    readonly request: Request,
    readonly requestId: string,
    readonly projectId?: string,
  ) {}

  #with(fields?: LogFields): LogFields {
    this.#fields ??= {
      requestId: this.requestId,
      ...traceFields(
        this.request.headers.get("x-cloud-trace-context") ?? undefined,
        this.projectId,
      ),
    };
    return fields ? { ...this.#fields, ...fields } : this.#fields;
  }

  debug(message: string, fields?: LogFields): void {
    if (this.enabled("DEBUG")) this.parent.debug(message, this.#with(fields));
  }
  info(message: string, fields?: LogFields): void {
    if (this.enabled("INFO")) this.parent.info(message, this.#with(fields));
  }
  warning(message: string, fields?: LogFields): void {
    if (this.enabled("WARNING")) {
      this.parent.warning(message, this.#with(fields));
    }
  }
  error(message: string, fields?: LogFields): void {
    this.parent.error(message, this.#with(fields));
  }
  child(fields: LogFields): Logger {
    return this.parent.child(this.#with(fields));
  }
  enabled(severity: Severity): boolean {
    return this.parent.enabled?.(severity) ?? true;
  }
}

/**
 * The request-log policy of one app, shared by the `requestLog` middleware
 * and the stored-response fast path (api/cached_responses.ts), so that both
 * write the same entries.
 *
 * @example
 * const log = new RequestLog(logger, { sampleRate: 0.1, slowMs: 500 });
 * app.use(requestId(), log.middleware());
 */
export class RequestLog {
  readonly #logger: Logger;
  readonly #projectId?: string;
  readonly #tracePrefix: string;
  readonly #sampleRate: number;
  readonly #slowMs: number;
  /** Accumulated share of a line: one is written each time it reaches 1. */
  #credit = 0;

  constructor(logger: Logger, options: RequestLogOptions = {}) {
    this.#logger = logger;
    this.#projectId = options.projectId;
    this.#tracePrefix = options.projectId
      ? JSON.stringify(`projects/${options.projectId}/traces/`).slice(0, -1)
      : '"';
    this.#sampleRate = Math.min(1, Math.max(0, options.sampleRate ?? 1));
    this.#slowMs = options.slowMs ?? 500;
  }

  /** The logger of one request (request id and trace on every entry). */
  forRequest(request: Request, requestId: string): Logger {
    return new RequestLogger(
      this.#logger,
      request,
      requestId,
      this.#projectId,
    );
  }

  /**
   * Writes the entry of a finished request, if the policy keeps it. An
   * ordinary line is serialised here, from values that need no redaction,
   * without building the request's logger (`logger`, built on demand).
   */
  finish(
    request: Request,
    requestId: string,
    finished: FinishedRequest,
    logger?: Logger,
  ): void {
    const { status } = finished;
    const ms = performance.now() - finished.started;
    const slow = ms >= this.#slowMs;
    const message = `${request.method} ${finished.path} ${status}`;
    if (status >= 400 || slow) {
      const fields = fullFields(request, finished, ms, slow);
      const log = logger ?? this.forRequest(request, requestId);
      if (status >= 500) log.error(message, fields);
      else log.warning(message, fields);
      return;
    }
    const root = this.#logger;
    if (!(root.enabled?.("INFO") ?? true) || !this.#sampled()) return;
    const latencyMs = Math.round(ms * 100) / 100;
    if (!root.raw) {
      (logger ?? this.forRequest(request, requestId)).info(message, {
        latencyMs,
        cache: finished.cache,
        userId: finished.userId,
      });
      return;
    }
    let members = `"requestId":${JSON.stringify(requestId)}`;
    const trace = request.headers.get("x-cloud-trace-context");
    if (trace) members += traceMembers(trace, this.#tracePrefix);
    members += `,"latencyMs":${latencyMs}`;
    if (finished.cache) members += `,"cache":${JSON.stringify(finished.cache)}`;
    if (finished.userId) {
      members += `,"userId":${JSON.stringify(finished.userId)}`;
    }
    root.raw("INFO", message, members);
  }

  #sampled(): boolean {
    if (this.#sampleRate === 1) return true;
    this.#credit += this.#sampleRate;
    if (this.#credit < 1) return false;
    this.#credit -= 1;
    return true;
  }

  /**
   * Middleware (after hono/request-id) that gives each request its logger
   * and logs the finished request.
   */
  middleware() {
    return createMiddleware<AppEnv>(async (c, next) => {
      const started = performance.now();
      const requestId = c.get("requestId");
      const logger = this.forRequest(c.req.raw, requestId);
      c.set("logger", logger);
      await next();
      this.finish(c.req.raw, requestId, {
        status: c.res.status,
        started,
        path: c.req.path,
        responseSize: () => c.res.headers.get("content-length") ?? undefined,
        userId: c.get("user")?.id,
        cache: c.get("cache"),
      }, logger);
    });
  }
}

/** The whole entry of an error or slow request, Cloud Logging's `httpRequest` included. */
function fullFields(
  request: Request,
  finished: FinishedRequest,
  ms: number,
  slow: boolean,
): LogFields {
  const headers = request.headers;
  return {
    httpRequest: {
      requestMethod: request.method,
      requestUrl: loggableUrl(request.url),
      status: finished.status,
      latency: `${(ms / 1000).toFixed(4)}s`,
      userAgent: headers.get("user-agent") ?? undefined,
      remoteIp: headers.get("x-forwarded-for")?.split(",")[0].trim(),
      referer: headers.get("referer") ?? undefined,
      responseSize: finished.responseSize?.(),
    },
    latencyMs: Math.round(ms * 100) / 100,
    slow: slow || undefined,
    userId: finished.userId,
    cache: finished.cache,
  };
}
