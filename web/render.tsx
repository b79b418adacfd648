/** Renders a page: the layout around its body, plus its islands' scripts. */
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { collectIslands } from "./island.tsx";
import { Layout } from "./routes/_layout.tsx";
import type { WebContext } from "./define.ts";

/** What a page hands to `renderPage`. */
export interface PageOptions {
  title: string;
  body: ComponentChildren;
  status?: 200 | 400 | 401 | 404 | 413 | 422 | 429 | 500 | 502 | 503;
  description?: string;
}

/** Path of an island's bundle under /static. */
export const islandScript = (name: string): string =>
  `/static/islands/${name}.js`;

/**
 * Renders a full HTML document. Each island used loads one module script;
 * pages without islands ship no JavaScript at all.
 */
export function renderPage(c: WebContext, page: PageOptions): Response {
  const session = c.get("session");
  const { result, islands } = collectIslands(() =>
    renderToString(
      <Layout
        title={page.title}
        description={page.description}
        path={new URL(c.req.url).pathname}
        email={session?.email ?? null}
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
