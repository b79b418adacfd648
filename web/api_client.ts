/**
 * The typed API client (`hc<AppType>`), over HTTP when the API runs elsewhere
 * (API_URL) or in-process when web and API share one server.
 */
import { hc } from "hono/client";
import type { AppType } from "../api/app.ts";
import {
  CLIENT_ADDRESS_HEADER,
  CLIENT_ADDRESS_KEY_HEADER,
  type RequestBindings,
} from "../api/client_address.ts";

/** The RPC client typed by the API's own routes. */
export type ApiClient = ReturnType<typeof hc<AppType>>;

/** Anything that answers requests like a Hono app (`app.request`). */
export interface InProcessApp {
  request(
    input: RequestInfo | URL,
    init?: RequestInit,
    bindings?: RequestBindings,
  ): Response | Promise<Response>;
}

/** Options for `createApiClient`: exactly one of `apiUrl` or `app`. */
export type ApiClientOptions =
  | {
    apiUrl: string;
    fetch?: typeof fetch;
    /**
     * FORWARDED_CLIENT_SECRET: sent with the browser's address so that the
     * API counts per-client limits against it (without it the API ignores
     * the address, and counts this server's instead).
     */
    forwardedSecret?: string;
  }
  | { app: InProcessApp };

/**
 * Creates the typed client. Requests carrying the browser's address
 * (`x-client-address`, set by `WebApi`) vouch for it: in-process through
 * the request's bindings, which no HTTP client can set; over HTTP with the
 * shared secret.
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
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        const address = headers.get(CLIENT_ADDRESS_HEADER) ?? undefined;
        headers.delete(CLIENT_ADDRESS_HEADER);
        return Promise.resolve(
          app.request(input, { ...init, headers }, {
            webClientAddress: address,
          }),
        );
      },
    });
  }
  const { forwardedSecret } = options;
  const doFetch = options.fetch ?? fetch;
  return hc<AppType>(options.apiUrl.replace(/\/+$/, ""), {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (!forwardedSecret || !headers.has(CLIENT_ADDRESS_HEADER)) {
        headers.delete(CLIENT_ADDRESS_HEADER);
      } else headers.set(CLIENT_ADDRESS_KEY_HEADER, forwardedSecret);
      return doFetch(input, { ...init, headers });
    },
  });
}
