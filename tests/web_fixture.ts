/**
 * Shared set-up of the web tests: the combined server (web + API in one
 * process) on a temp SQLite store loaded with ml-latest-small, and small
 * request helpers that carry the session cookie like a browser.
 */
import {
  BASE_ENV,
  datasetTestName,
  hasDataset,
  loadedStore,
  testApp,
} from "./api_fixture.ts";
import { parseConfig } from "../config/mod.ts";
import { createServer } from "../web/server.ts";
import { ensureIslands } from "../web/build.ts";
import type { Store } from "../store/types.ts";

export { datasetTestName, hasDataset };

/** Origin of test requests (same-origin form posts pass the CSRF check). */
export const ORIGIN = "http://web.test";

/** A running combined server. */
export interface WebFixture {
  /** Requests a path; `cookie` is sent as the session. */
  request(path: string, init?: RequestInit & { cookie?: string }): Promise<
    Response
  >;
  /** Posts a form like a browser (same origin). */
  post(
    path: string,
    form: Record<string, string>,
    cookie?: string,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /** Signs up and returns the session cookie (`ml_session=…`). */
  signup(email: string, password?: string): Promise<string>;
  /**
   * The answer to the sign-up form with the usual password, going on to
   * `next` (default "/for-you").
   */
  signupResponse(email: string, next?: string): Promise<Response>;
  /** Unexpected errors the web reported. */
  errors: unknown[];
  close(): Promise<void>;
}

/** The session cookie a response sets, as a `Cookie` header value. */
export function sessionCookie(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) =>
    c.startsWith("ml_session=")
  );
  if (!cookie) {
    throw new Error(
      `Expected a ml_session cookie, found: ${
        response.headers.getSetCookie().join(" | ") || "none"
      }`,
    );
  }
  return cookie.split(";")[0];
}

/**
 * Every cookie a response sets, as a `Cookie` header value (deleted ones
 * left out), merged over `previous`: what a browser would send next.
 */
export function nextCookies(response: Response, previous = ""): string {
  const jar = new Map(
    previous.split(/;\s*/).filter(Boolean).map((pair) => {
      const at = pair.indexOf("=");
      return [pair.slice(0, at), pair.slice(at + 1)] as [string, string];
    }),
  );
  for (const set of response.headers.getSetCookie()) {
    const pair = set.split(";")[0];
    const at = pair.indexOf("=");
    const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
    if (value === "" || /Max-Age=0/i.test(set)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/**
 * Starts the combined server on a freshly loaded store; `prepare` writes
 * to the store first (e.g. the posters step's cache).
 */
export async function webFixture(
  prepare?: (store: Store) => Promise<void>,
): Promise<WebFixture> {
  await ensureIslands();
  const loaded = await loadedStore();
  await prepare?.(loaded.store);
  const api = testApp(loaded.store);
  const errors: unknown[] = [];
  const server = createServer({
    config: parseConfig(BASE_ENV),
    api,
    onUnexpectedError: (error) => errors.push(error),
  });
  const request: WebFixture["request"] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set("cookie", init.cookie);
    return await server.fetch(
      new Request(`${ORIGIN}${path}`, { ...init, headers }),
    );
  };
  const post: WebFixture["post"] = (path, form, cookie, headers = {}) =>
    request(path, {
      method: "POST",
      body: new URLSearchParams(form),
      headers: {
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
      cookie,
    });
  const signupResponse: WebFixture["signupResponse"] = (
    email,
    next = "/for-you",
  ) => post("/signup", { email, password: "correct horse battery", next });
  return {
    request,
    post,
    signupResponse,
    async signup(email, password = "correct horse battery") {
      const res = await post("/signup", { email, password, next: "/for-you" });
      if (res.status !== 303) {
        throw new Error(
          `Expected sign up to redirect (303), got ${res.status}`,
        );
      }
      return sessionCookie(res);
    },
    errors,
    close: () => loaded.close(),
  };
}
