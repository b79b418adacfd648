/**
 * Response compression for pages and static files (never the API: its
 * cached reads are answered as stored, and most are small JSON). Brotli when
 * the browser accepts it, gzip otherwise; `node:zlib` runs in Deno and in
 * Node (Vercel), so the web app stays runtime-neutral.
 */
import { promisify } from "node:util";
import {
  brotliCompress,
  constants as zlib,
  gzip,
  type ZlibOptions,
} from "node:zlib";
import type { MiddlewareHandler } from "hono";

/** A content coding this server produces. */
export type Encoding = "br" | "gzip";

/**
 * How hard to compress: "page" is each request's HTML (fast: brotli 5,
 * gzip 6), "static" runs once per file and is cached (brotli 11, gzip 9).
 */
export type Effort = "page" | "static";

/** Bodies smaller than this go out as they are (headers would eat the gain). */
export const MIN_COMPRESS_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const BROTLI_QUALITY: Record<Effort, number> = { page: 5, static: 11 };
const GZIP_LEVEL: Record<Effort, number> = { page: 6, static: 9 };

/**
 * The best coding the client accepts, by its `Accept-Encoding` (q=0 refuses
 * one); null for none.
 *
 * @example
 * negotiateEncoding("gzip, deflate, br"); // "br"
 * negotiateEncoding("br;q=0, gzip"); // "gzip"
 */
export function negotiateEncoding(
  acceptEncoding: string | null | undefined,
): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const weight = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p))
      .find(Boolean)?.[1];
    q.set(name.trim(), weight === undefined ? 1 : Number(weight));
  }
  const accepts = (coding: Encoding) => (q.get(coding) ?? q.get("*") ?? 0) > 0;
  if (accepts("br")) return "br";
  if (accepts("gzip")) return "gzip";
  return null;
}

/**
 * Compresses a body with one coding.
 *
 * @example
 * const gz = await compressBody(html, { encoding: "gzip", effort: "page" });
 */
export async function compressBody(
  body: Uint8Array,
  options: { encoding: Encoding; effort: Effort },
): Promise<Uint8Array<ArrayBuffer>> {
  if (options.encoding === "br") {
    return new Uint8Array(
      await brotli(body, {
        params: {
          [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY[options.effort],
          [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
          [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    );
  }
  const gzipOptions: ZlibOptions = { level: GZIP_LEVEL[options.effort] };
  return new Uint8Array(await gzipAsync(body, gzipOptions));
}

/** True for text types worth compressing (HTML, CSS, JS, JSON, SVG). */
export function isCompressible(contentType: string | null): boolean {
  return contentType !== null &&
    /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/i.test(
      contentType,
    );
}

/** Adds `Accept-Encoding` to a response's `Vary` (caches keep both forms). */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", "accept-encoding");
  else if (!/(^|,)\s*accept-encoding\s*(,|$)/i.test(vary)) {
    headers.set("vary", `${vary}, accept-encoding`);
  }
}

/**
 * Middleware that compresses the app's text responses of at least
 * `MIN_COMPRESS_BYTES` (the pages: a 70 KB "For you" is about 5 KB in
 * brotli). Responses already encoded, marked no-transform, or answering
 * HEAD are left alone.
 */
export function compressResponses(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const encoding = negotiateEncoding(c.req.header("accept-encoding"));
    const res = c.res;
    varyOnEncoding(res.headers);
    if (
      !encoding || c.req.method === "HEAD" || !res.body ||
      res.headers.has("content-encoding") ||
      /no-transform/i.test(res.headers.get("cache-control") ?? "") ||
      !isCompressible(res.headers.get("content-type"))
    ) return;
    const body: Uint8Array<ArrayBuffer> = new Uint8Array(
      await res.arrayBuffer(),
    );
    const small = body.length < MIN_COMPRESS_BYTES;
    const out = small
      ? body
      : await compressBody(body, { encoding, effort: "page" });
    // Hono copies the old response's headers onto the new one: set the
    // length (and coding) after the assignment.
    c.res = new Response(out, { status: res.status, headers: res.headers });
    c.res.headers.set("content-length", String(out.length));
    if (!small) c.res.headers.set("content-encoding", encoding);
  };
}
