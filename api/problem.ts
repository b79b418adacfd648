/**
 * RFC 9457 problem details: the one error type of the API and the one
 * handler that turns every thrown error into `application/problem+json`.
 * @module
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { StoreBusyError } from "../store/errors.ts";
import type { AppEnv } from "./context.ts";

/** One invalid parameter, as listed in a 400 problem. */
export interface InvalidParam {
  /** Parameter name; a dotted path inside a JSON body. */
  name: string;
  /** Where it was: "query", "path", "body" or "header". */
  in: string;
  reason: string;
}

/** The body of every error response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: InvalidParam[];
}

/** Options of a `ProblemError` beyond status, title and detail. */
export interface ProblemOptions {
  /** A URI reference naming the problem kind; "about:blank" by default. */
  type?: string;
  errors?: InvalidParam[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error that becomes a problem response. Throw it from handlers and
 * middleware; `onError` renders it.
 *
 * @example
 * throw new ProblemError(404, "Movie not found", "No movie has id 42");
 */
export class ProblemError extends Error {
  readonly type: string;
  readonly errors?: InvalidParam[];
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    options: ProblemOptions = {},
  ) {
    super(`${status} ${title}: ${detail}`, { cause: options.cause });
    this.name = "ProblemError";
    this.type = options.type ?? "about:blank";
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

const VALIDATION_TYPE = "/problems/validation";
const TARGET_NAMES: Record<string, string> = {
  json: "body",
  param: "path",
  query: "query",
  header: "header",
};

/** Builds the 400 problem for a failed zod validation of one request part. */
export function validationProblem(
  target: string,
  error: ZodError,
): ProblemError {
  const where = TARGET_NAMES[target] ?? target;
  const errors = error.issues.map((issue) => ({
    name: issue.path.length > 0 ? issue.path.join(".") : where,
    in: where,
    reason: issue.message,
  }));
  const detail = errors.map((e) => `${e.name}: ${e.reason}`).join("; ");
  return new ProblemError(400, "Invalid request", detail, {
    type: VALIDATION_TYPE,
    errors,
  });
}

/**
 * The `defaultHook` of every OpenAPIHono app: a failed validation throws a
 * 400 problem listing each bad parameter.
 */
export function validationHook(
  result: { success: boolean; error?: unknown; target: string },
  _c: Context,
): void {
  if (!result.success) {
    throw validationProblem(result.target, result.error as ZodError);
  }
}

/** Renders a problem as `application/problem+json`. */
export function problemResponse(
  c: Context<AppEnv>,
  problem: ProblemError,
): Response {
  const body: ProblemBody = {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: c.req.path,
    requestId: c.get("requestId"),
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
  // c.body keeps headers set earlier by middleware (request id, CORS, …).
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    ...problem.headers,
    "content-type": "application/problem+json",
  });
}

/** Maps Hono's own HTTP exceptions (bad JSON, wrong media type, …) to problems. */
function fromHttpException(error: HTTPException): ProblemError {
  const titles: Record<number, string> = {
    400: "Bad request",
    401: "Unauthorized",
    413: "Payload too large",
    415: "Unsupported media type",
  };
  const details: Record<number, string> = {
    415: "Expected a body of type application/json",
  };
  const title = titles[error.status] ?? "Request failed";
  const detail = details[error.status] ?? error.message ?? title;
  return new ProblemError(error.status, title, detail, { cause: error });
}

/**
 * The one error handler: problems render as is, Hono exceptions are mapped,
 * anything else is logged with its stack and becomes a 500 without details.
 */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ProblemError) return problemResponse(c, error);
  if (error instanceof HTTPException) {
    return problemResponse(c, fromHttpException(error));
  }
  if (error instanceof StoreBusyError) {
    c.get("logger")?.warning("Store busy", { waitedMs: error.waitedMs });
    return problemResponse(
      c,
      new ProblemError(
        503,
        "Busy",
        "The store is busy with another writer; nothing was written, try again shortly",
        {
          type: "/problems/busy",
          headers: { "Retry-After": String(error.retryAfterSeconds) },
          cause: error,
        },
      ),
    );
  }
  c.get("logger")?.error("Unhandled error", { error });
  return problemResponse(
    c,
    new ProblemError(
      500,
      "Internal server error",
      "The server failed to answer; the request id identifies it in the logs",
    ),
  );
};

/** Unknown routes are a 404 problem too. */
export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(
    c,
    new ProblemError(
      404,
      "Not found",
      `No route matches ${c.req.method} ${c.req.path}`,
    ),
  );
