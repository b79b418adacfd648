/**
 * Serves web/static/ under /static/ (Deno only; Vercel serves it from its
 * CDN). Text files go out brotli- or gzip-compressed at the highest level,
 * compressed once per file version and kept in memory.
 */
import {
  compressBody,
  type Encoding,
  isCompressible,
  MIN_COMPRESS_BYTES,
  negotiateEncoding,
  varyOnEncoding,
} from "../compression.ts";

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
};

/** The folder served at /static/. */
export const STATIC_DIR: URL = new URL("../static/", import.meta.url);

/** Compressed copies by file URL, valid while the file's stamp holds. */
const compressed = new Map<
  string,
  {
    stamp: string;
    bodies: Map<Encoding, Promise<Uint8Array<ArrayBuffer>>>;
  }
>();

/** The file's compressed body, compressed on first use of this version. */
function encodedBody(
  file: URL,
  stamp: string,
  body: Uint8Array,
  encoding: Encoding,
): Promise<Uint8Array<ArrayBuffer>> {
  let entry = compressed.get(file.href);
  if (!entry || entry.stamp !== stamp) {
    entry = { stamp, bodies: new Map() };
    compressed.set(file.href, entry);
  }
  let pending = entry.bodies.get(encoding);
  if (!pending) {
    pending = compressBody(body, { encoding, effort: "static" });
    entry.bodies.set(encoding, pending);
  }
  return pending;
}

/**
 * Answers GET /static/<file> from `root`; null for other paths. Paths that
 * try to leave the folder are refused.
 */
export async function serveStatic(
  request: Request,
  root: URL = STATIC_DIR,
): Promise<Response | null> {
  const { pathname } = new URL(request.url);
  if (!pathname.startsWith("/static/")) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice("/static/".length));
  } catch {
    // malformed percent-encoding (`/static/%ff`): no file has that name
    return new Response("Not found", { status: 404 });
  }
  if (
    !relative || relative.split("/").some((s) => s === ".." || s === "") ||
    relative.includes("\\")
  ) {
    return new Response("Not found", { status: 404 });
  }
  const extension = relative.split(".").pop() ?? "";
  const type = TYPES[extension] ?? "application/octet-stream";
  const file = new URL(relative, root);
  try {
    const [info, raw] = await Promise.all([
      Deno.stat(file),
      Deno.readFile(file),
    ]);
    const headers = new Headers({
      "content-type": type,
      // Island chunk names carry a hash; the rest changes with deploys.
      "cache-control": /^islands\/chunk-/.test(relative)
        ? "public, max-age=31536000, immutable"
        : "public, max-age=300",
      "x-content-type-options": "nosniff",
    });
    let body: Uint8Array<ArrayBuffer> = raw;
    if (isCompressible(type) && raw.length >= MIN_COMPRESS_BYTES) {
      varyOnEncoding(headers);
      const encoding = negotiateEncoding(
        request.headers.get("accept-encoding"),
      );
      if (encoding) {
        const stamp = `${info.mtime?.getTime()}:${info.size}`;
        body = await encodedBody(file, stamp, raw, encoding);
        headers.set("content-encoding", encoding);
      }
    }
    headers.set("content-length", String(body.length));
    return new Response(
      request.method === "HEAD" ? null : body,
      { headers },
    );
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory
    ) {
      return new Response("Not found", { status: 404 });
    }
    throw e;
  }
}
