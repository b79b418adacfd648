/**
 * One server for web and API (`deno task start`): API paths go to the API
 * app, /static/ to the files, the rest to the web pages. With API_URL set
 * the web talks to that API over HTTP instead and serves no API itself.
 */
import type { Config } from "../config/mod.ts";
import type { InProcessApp } from "./api_client.ts";
import { webAppFromConfig } from "./app.tsx";
import { serveStatic, STATIC_DIR } from "./adapters/static_files.ts";

/** The API as the server mounts it. */
export interface MountedApi extends InProcessApp {
  fetch(request: Request): Response | Promise<Response>;
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
 * The combined request handler.
 *
 * @example
 * const server = createServer({ config, api: createApp({ config, store }) });
 * Deno.serve({ port: config.PORT }, server.fetch);
 */
export function createServer(
  options: ServerOptions,
): { fetch(request: Request): Promise<Response> } {
  const web = webAppFromConfig(
    options.config,
    options.api,
    options.onUnexpectedError,
  );
  const api = options.config.API_URL ? undefined : options.api;
  const staticDir = options.staticDir ?? STATIC_DIR;
  return {
    async fetch(request: Request): Promise<Response> {
      const pathname = new URL(request.url).pathname;
      if (api && isApiPath(pathname)) return await api.fetch(request);
      return await serveStatic(request, staticDir) ?? await web.fetch(request);
    },
  };
}
