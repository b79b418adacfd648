/** Renders a page: the layout around its body, plus its islands' scripts. */
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { collectIslands } from "./island.tsx";
import { Layout } from "./routes/_layout.tsx";
import type { WebContext } from "./define.ts";
import { takeFlash } from "./flash.ts";

/** What a page hands to `renderPage`. */
export interface PageOptions {
  title: string;
  body: ComponentChildren;
  status?: 200 | 400 | 401 | 404 | 413 | 422 | 429 | 500 | 502 | 503;
  description?: string;
  /** A "Skip to …" target other than the main content. */
  skipTo?: { href: string; label: string };
}

/** Path of an island's bundle under /static. */
export const islandScript = (name: string): string =>
  `/static/islands/${name}.js`;

/**
 * The page's public URL: behind Vercel or a proxy the original scheme and
 * host are in x-forwarded-proto and x-forwarded-host.
 */
function publicUrl(c: WebContext): string {
  const url = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0].trim();
  const host = c.req.header("x-forwarded-host")?.split(",")[0].trim();
  if (proto === "http" || proto === "https") url.protocol = `${proto}:`;
  if (host && /^[\w.-]+(:\d+)?$/.test(host)) url.host = host;
  return url.href;
}

/**
 * Renders a full HTML document. Each island used loads one module script;
 * pages without islands ship no JavaScript at all.
 */
export function renderPage(c: WebContext, page: PageOptions): Response {
  const session = c.get("session");
  const url = new URL(c.req.url);
  const { result, islands } = collectIslands(() =>
    renderToString(
      <Layout
        title={page.title}
        description={page.description}
        path={url.pathname}
        here={url.pathname + url.search}
        url={publicUrl(c)}
        email={session?.email ?? null}
        skipTo={page.skipTo}
        flash={session ? takeFlash(c) : null}
      >
        {page.body}
      </Layout>,
    )
  );
  const scripts = islands.map((name) =>
    `<script type="module" src="${islandScript(name)}"></script>`
  ).join("");
  const html = `<!DOCTYPE html>${
    result.replace("</body>", `${scripts}</body>`)
  }`;
  // Signed-in pages are personal: never cache them in shared caches.
  c.header("cache-control", session ? "private, no-store" : "no-cache");
  c.header("vary", "cookie");
  return c.html(html, page.status ?? 200);
}
