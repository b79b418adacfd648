/**
 * The web as a Vercel Node.js function: a (req, res) handler around the web
 * app, which talks to the API over HTTP (API_URL is required here). Bundled
 * into one ESM file by web/adapters/build_vercel.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import process from "node:process";
import { parseConfig } from "../../config/mod.ts";
import { WEB_FORM_MAX_BYTES, webAppFromConfig } from "../app.tsx";

// Vercel passes settings as environment variables; parseConfig validates them.
const config = parseConfig(process.env);
if (!config.API_URL) {
  throw new Error(
    "API_URL is not set: on Vercel the web app needs the API's URL, e.g. https://api.example.com",
  );
}
const app = webAppFromConfig(config);

/**
 * The request body, at most `limit` + 1 bytes of it: the web app refuses a
 * body over its limit (413) without the rest being held in memory.
 */
async function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    if (size > limit) continue; // drained, not kept
    chunks.push(chunk as Uint8Array);
    size += (chunk as Uint8Array).length;
  }
  const body = new Uint8Array(Math.min(size, limit + 1));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, body.length - offset);
    body.set(part, offset);
    offset += part.length;
  }
  return body;
}

/** Turns Node's request into a fetch `Request`. */
async function toRequest(req: IncomingMessage): Promise<Request> {
  const proto =
    String(req.headers["x-forwarded-proto"] ?? "http").split(",")[0];
  const host = req.headers["x-forwarded-host"] ?? req.headers.host ??
    "localhost";
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD"
    ? undefined
    : await readBody(req, WEB_FORM_MAX_BYTES);
  return new Request(`${proto}://${host}${req.url ?? "/"}`, {
    method,
    headers,
    body,
  });
}

/**
 * The function's handler (Vercel's Node.js launcher calls the default
 * export, so this module breaks the no-default-export habit on purpose).
 */
export default async function handler(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // The socket's peer; behind Vercel's proxy (TRUSTED_PROXY_COUNT=1) the
  // browser's address is the last X-Forwarded-For entry instead.
  const response = await app.fetch(await toRequest(req), {
    remoteAddr: { hostname: req.socket?.remoteAddress },
  });
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  res.end(new Uint8Array(await response.arrayBuffer()));
}
