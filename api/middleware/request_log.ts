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

/**
 * Gives each request a child logger (with request id and trace) and logs
 * the finished request with severity by status.
 */
export function requestLog(logger: Logger, options: RequestLogOptions = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const trace = traceFields(
      c.req.header("x-cloud-trace-context"),
      options.projectId,
    );
    const requestLogger = logger.child({
      requestId: c.get("requestId"),
      ...trace,
    });
    c.set("logger", requestLogger);
    await next();
    const status = c.res.status;
    const seconds = (performance.now() - started) / 1000;
    const fields = {
      httpRequest: {
        requestMethod: c.req.method,
        requestUrl: loggableUrl(c.req.url),
        status,
        latency: `${seconds.toFixed(4)}s`,
        userAgent: c.req.header("user-agent"),
        remoteIp: c.req.header("x-forwarded-for")?.split(",")[0].trim(),
        referer: c.req.header("referer"),
        responseSize: c.res.headers.get("content-length") ?? undefined,
      },
      userId: c.get("user")?.id,
      cache: c.get("cache"),
    };
    const message = `${c.req.method} ${c.req.path} ${status}`;
    if (status >= 500) requestLogger.error(message, fields);
    else if (status >= 400) requestLogger.warning(message, fields);
    else requestLogger.info(message, fields);
  });
}
