/**
 * One server for web and API (`deno task start`): API paths go to the API
 * app, /static/ to the files, the rest to the web pages. With API_URL set
 * the web talks to that API over HTTP instead and serves no API itself.
 */
import { getPath } from "hono/utils/url";
import type { Config } from "../config/mod.ts";
import type { InProcessApp } from "./api_client.ts";
import type { RequestBindings } from "../api/client_address.ts";
import { webAppFromConfig } from "./app.tsx";
import { serveStatic, STATIC_DIR } from "./adapters/static_files.ts";

/** The API as the server mounts it. */
export interface MountedApi extends InProcessApp {
  fetch(
    request: Request,
    bindings?: RequestBindings,
  ): Response | Promise<Response>;
}

/** Options for `createServer`. */
export interface ServerOptions {
  config: Config;
  /** The in-process API; required unless `config.API_URL` is set. */
  api?: MountedApi;
  staticDir?: URL;
  onUnexpectedError?: (error: unknown, path: string) => void;
}

const API_PATHS = /^\/(api\/|health(\/|$)|openapi\.json$|docs(\/|$)|metrics$)/;

/** True for paths the API answers. */
export function isApiPath(pathname: string): boolean {
  return API_PATHS.test(pathname);
}

/**
 * The combined request handler. It decides on the path both Hono apps route
 * by (hono's `getPath`: no URL parse, percent-decoded), and hands the
 * request on without awaiting it, so an API request meets no web code and
 * an answer the API gives synchronously (api/cached_responses.ts) reaches
 * Deno as one; pages never meet API middleware.
 *
 * @example
 * const server = createServer({ config, api: createApp({ config, store }) });
 * Deno.serve({ port: config.PORT }, server.fetch);
 */
export function createServer(
  options: ServerOptions,
): {
  fetch(request: Request, info?: RequestBindings): Response | Promise<Response>;
} {
  const web = webAppFromConfig(
    options.config,
    options.api,
    options.onUnexpectedError,
  );
  const api = options.config.API_URL ? undefined : options.api;
  const staticDir = options.staticDir ?? STATIC_DIR;
  const page = async (
    request: Request,
    info?: RequestBindings,
  ): Promise<Response> =>
    await serveStatic(request, staticDir) ?? await web.fetch(request, info);
  return {
    // `info` (Deno.serve's connection) reaches both apps: per-client limits.
    fetch(
      request: Request,
      info?: RequestBindings,
    ): Response | Promise<Response> {
      const path = getPath(request);
      if (api && isApiPath(path)) return api.fetch(request, info);
      return page(request, info);
    },
  };
}
