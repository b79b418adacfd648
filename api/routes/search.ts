/**
 * Search by description: free text ranked by meaning, blended with title
 * matches and popularity (serving/description_search.ts). Public and
 * cached: results change only with a new pipeline run.
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { SearchBusyError } from "../../serving/description_matcher.ts";
import { describeMatch } from "../../serving/search_match.ts";
import type { AppEnv } from "../context.ts";
import { countedRead } from "../middleware/rate_limit.ts";
import type { RouteDeps } from "../deps.ts";
import { withPoster } from "../posters.ts";
import { ProblemError, validationHook } from "../problem.ts";
import { cachedJson, jsonText } from "../route_cache.ts";
import { json, problem, searchQuery, searchResultsSchema } from "../schemas.ts";
import { checkGenres, genreList } from "./movies.ts";

const searchRoute = createRoute({
  method: "get",
  path: "/api/search",
  tags: ["movies"],
  summary: "Search movies by what they are about",
  description:
    "Ranks movies by the content embedding of the query (the embedder the pipeline used), blended with title matches (typing a title finds it first) and popularity. Each result says why it matched. At most 100 results.",
  request: { query: searchQuery },
  responses: {
    200: json(searchResultsSchema, "Results, best first"),
    400: problem("A query parameter is invalid"),
    503: problem("Too many searches wait for the model; see Retry-After"),
  },
});

/** The search route. */
export function searchRoutes(deps: RouteDeps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(searchRoute, async (c) => {
      const query = c.req.valid("query");
      const genres = genreList(query.genre).sort();
      await checkGenres(c, deps, genres);
      const { page, pageSize } = query;
      // Same words, same results: spacing and case do not make new entries.
      const q = query.q.replace(/\s+/g, " ");
      const key = `search:${
        JSON.stringify([
          q.toLowerCase(),
          genres,
          query.yearFrom,
          query.yearTo,
          page,
          pageSize,
        ])
      }`;
      const build = async () => {
        const serving = await deps.serving();
        const posters = await deps.posters.paths();
        const result = await serving.search.search(q, {
          limit: pageSize,
          offset: (page - 1) * pageSize,
          genres,
          yearFrom: query.yearFrom,
          yearTo: query.yearTo,
        }).catch((error) => {
          if (!(error instanceof SearchBusyError)) throw error;
          throw new ProblemError(503, "Search busy", error.message, {
            headers: { "Retry-After": "1" },
          });
        });
        return {
          query: q,
          matchedBy: result.matchedBy,
          model: result.matchedBy === "description"
            ? serving.search.model
            : null,
          total: result.total,
          page,
          pageSize,
          items: result.items.map((hit) => ({
            movie: withPoster(hit.movie, posters),
            score: hit.score,
            match: describeMatch(hit),
          })),
        };
      };
      // an uncached answer embeds and ranks: counted per client
      const text = await cachedJson(
        c,
        deps.cache,
        key,
        countedRead(c, deps, build),
      );
      c.header("Cache-Control", "public, max-age=60");
      return jsonText<Awaited<ReturnType<typeof build>>>(c, text);
    });
}
