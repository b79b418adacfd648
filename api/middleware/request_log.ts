/**
 * One structured log entry per request, in Cloud Logging's `httpRequest`
 * shape, tied to the trace from `X-Cloud-Trace-Context`.
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import type { Logger } from "../logger.ts";

/** Options for `requestLog`. */
export interface RequestLogOptions {
  /** Google Cloud project id; makes trace ids clickable in Cloud Logging. */
  projectId?: string;
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

/**
 * Trace fields from `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1`, in the
 * special keys Cloud Logging uses to group a request's entries.
 */
export function traceFields(
  header: string | undefined,
  projectId?: string,
): Record<string, unknown> {
  const match = header &&
    /^([0-9a-f]{32})(?:\/(\d+))?(?:;o=([01]))?/i.exec(header);
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

/** What the log entry of one finished request says beyond the request. */
export interface FinishedRequest {
  status: number;
  /** `performance.now()` when the request arrived. */
  started: number;
  /** The path without the query, as routed. */
  path: string;
  responseSize?: string;
  userId?: string;
  cache?: string;
}

/** The child logger of one request: every entry names its id and trace. */
export function requestLogger(
  logger: Logger,
  request: Request,
  requestId: string,
  projectId?: string,
): Logger {
  return logger.child({
    requestId,
    ...traceFields(
      request.headers.get("x-cloud-trace-context") ?? undefined,
      projectId,
    ),
  });
}

/**
 * Writes the entry of a finished request with severity by status. Shared by
 * `requestLog` and the stored-response fast path (api/cached_responses.ts), so that
 * both write the same line.
 */
export function logRequest(
  logger: Logger,
  request: Request,
  finished: FinishedRequest,
): void {
  const { status } = finished;
  const seconds = (performance.now() - finished.started) / 1000;
  const headers = request.headers;
  const fields = {
    httpRequest: {
      requestMethod: request.method,
      requestUrl: loggableUrl(request.url),
      status,
      latency: `${seconds.toFixed(4)}s`,
      userAgent: headers.get("user-agent") ?? undefined,
      remoteIp: headers.get("x-forwarded-for")?.split(",")[0].trim(),
      referer: headers.get("referer") ?? undefined,
      responseSize: finished.responseSize,
    },
    userId: finished.userId,
    cache: finished.cache,
  };
  const message = `${request.method} ${finished.path} ${status}`;
  if (status >= 500) logger.error(message, fields);
  else if (status >= 400) logger.warning(message, fields);
  else logger.info(message, fields);
}

/**
 * Gives each request a child logger (with request id and trace) and logs
 * the finished request with severity by status.
 */
export function requestLog(logger: Logger, options: RequestLogOptions = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const child = requestLogger(
      logger,
      c.req.raw,
      c.get("requestId"),
      options.projectId,
    );
    c.set("logger", child);
    await next();
    logRequest(child, c.req.raw, {
      status: c.res.status,
      started,
      path: c.req.path,
      responseSize: c.res.headers.get("content-length") ?? undefined,
      userId: c.get("user")?.id,
      cache: c.get("cache"),
    });
  });
}
