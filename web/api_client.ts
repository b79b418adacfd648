/**
 * The typed API client (`hc<AppType>`), over HTTP when the API runs elsewhere
 * (API_URL) or in-process when web and API share one server.
 */
import { hc } from "hono/client";
import type { AppType } from "../api/app.ts";

/** The RPC client typed by the API's own routes. */
export type ApiClient = ReturnType<typeof hc<AppType>>;

/** Anything that answers requests like a Hono app (`app.request`). */
export interface InProcessApp {
  request(
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Response | Promise<Response>;
}

/** Options for `createApiClient`: exactly one of `apiUrl` or `app`. */
export type ApiClientOptions =
  | { apiUrl: string; fetch?: typeof fetch }
  | { app: InProcessApp };

/**
 * Creates the typed client.
 *
 * @example
 * const client = createApiClient({ apiUrl: "https://api.example.com" });
 * const inProcess = createApiClient({ app: apiApp });
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  if ("app" in options) {
    const app = options.app;
    // The host is never resolved: app.request only reads the path.
    return hc<AppType>("http://in-process", {
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        Promise.resolve(app.request(input, init)),
    });
  }
  return hc<AppType>(
    options.apiUrl.replace(/\/+$/, ""),
    options.fetch ? { fetch: options.fetch } : {},
  );
}
