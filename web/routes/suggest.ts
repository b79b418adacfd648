/** GET /suggest?q=: a few title matches for the search box island. */
import { defineRoute } from "../define.ts";
import type { Suggestion } from "../islands/search_box.tsx";
import { displayTitle } from "../components/title.ts";

const LIMIT = 8;

export const handler = defineRoute({
  async GET(c) {
    const q = (c.req.query("q") ?? "").trim().slice(0, 200);
    if (q.length < 2) return c.json([] as Suggestion[]);
    const page = await c.get("api").movies({ q, pageSize: LIMIT });
    const items: Suggestion[] = page.items.map((m) => ({
      id: m.id,
      title: displayTitle(m.title),
      year: m.year,
    }));
    c.header("cache-control", "public, max-age=60");
    return c.json(items);
  },
});
