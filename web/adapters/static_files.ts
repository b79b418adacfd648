/** Serves web/static/ under /static/ (Deno only; Vercel serves it from its CDN). */

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
  try {
    const body = await Deno.readFile(new URL(relative, root));
    return new Response(request.method === "HEAD" ? null : body, {
      headers: {
        "content-type": TYPES[extension] ?? "application/octet-stream",
        // Island chunk names carry a hash; the rest changes with deploys.
        "cache-control": /^islands\/chunk-/.test(relative)
          ? "public, max-age=31536000, immutable"
          : "public, max-age=300",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory
    ) {
      return new Response("Not found", { status: 404 });
    }
    throw e;
  }
}
