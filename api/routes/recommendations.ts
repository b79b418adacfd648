/**
 * Recommendations: personalised for the caller, and similar movies.
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { cachedJson, jsonText } from "../route_cache.ts";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { recommendForUser } from "../../serving/recommend.ts";
import { requireUser } from "../middleware/auth.ts";
import { withPoster } from "../posters.ts";
import { countedRead } from "../middleware/rate_limit.ts";
import { ProblemError, validationHook } from "../problem.ts";
import {
  itemRecommendationsQuery,
  itemRecommendationsSchema,
  json,
  movieIdParam,
  problem,
  userRecommendationsQuery,
  userRecommendationsSchema,
} from "../schemas.ts";
import { checkGenres } from "./movies.ts";

export { historyFingerprint } from "../history_fingerprint.ts";

/** The recommendation routes. */
export function recommendationRoutes(deps: RouteDeps) {
  const { fingerprints } = deps;
  const forUser = createRoute({
    method: "get",
    path: "/api/recommendations/user/me",
    tags: ["recommendations"],
    summary: "Personalised recommendations for the caller",
    description:
      "Excludes what the caller already interacted with. Without history (cold start) it returns popular movies and says so.",
    security: [{ bearerAuth: [] }],
    middleware: [requireUser(deps.verifier)] as const,
    request: { query: userRecommendationsQuery },
    responses: {
      200: json(userRecommendationsSchema, "Recommendations, best first"),
      400: problem("limit or genre is invalid"),
      401: problem("No valid access token"),
    },
  });

  const forItem = createRoute({
    method: "get",
    path: "/api/recommendations/item/{id}",
    tags: ["recommendations"],
    summary: "Movies similar to one movie",
    request: { params: movieIdParam, query: itemRecommendationsQuery },
    responses: {
      200: json(itemRecommendationsSchema, "Similar movies, best first"),
      400: problem("The id, limit, steer or genre is invalid"),
      404: problem("No movie has this id"),
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(forUser, async (c) => {
      const { limit, genre } = c.req.valid("query");
      if (genre) await checkGenres(c, deps, [genre]);
      const userId = c.get("user").id;
      const { fingerprint, history: read } = await fingerprints.of(userId);
      const key = `recs:user:${userId}:${fingerprint}:${limit}:${genre ?? ""}`;
      const build = async () => {
        const history = read ?? await deps.store.interactions.forUser(userId);
        const served = await recommendForUser(await deps.serving(), history, {
          limit,
          genre,
        });
        const movies = new Map(
          (await deps.store.movies.getMany(
            served.items.map((r) => r.movieId),
          )).map((m) => [m.id, m]),
        );
        const posters = await deps.posters.paths();
        const items = served.items.flatMap(({ movieId, ...rest }) => {
          const movie = movies.get(movieId);
          return movie ? [{ movie: withPoster(movie, posters), ...rest }] : [];
        });
        return {
          strategy: served.strategy,
          coldStart: served.coldStart,
          items,
        };
      };
      // a hit is answered with the stored JSON text, never re-serialised
      const text = await cachedJson(
        c,
        deps.cache,
        key,
        countedRead(c, deps, build),
      );
      c.header("Cache-Control", "private, no-store");
      return jsonText<Awaited<ReturnType<typeof build>>>(c, text);
    })
    .openapi(forItem, async (c) => {
      const { id } = c.req.valid("param");
      const { limit, steer, genre } = c.req.valid("query");
      if (genre) await checkGenres(c, deps, [genre]);
      const build = async () => {
        const movie = await deps.store.movies.get(id);
        if (!movie) return null;
        const serving = await deps.serving();
        const neighbours = steer || genre
          ? await serving.steered(id, { steer, genre, limit })
          : await serving.similar(id, limit);
        const movies = new Map(
          (await deps.store.movies.getMany(neighbours.map((n) => n.movieId)))
            .map((m) => [m.id, m]),
        );
        const posters = await deps.posters.paths();
        return {
          movie: { id: movie.id, title: movie.title, year: movie.year },
          steer: steer ?? null,
          genre: genre ?? null,
          items: neighbours.flatMap((n) => {
            const m = movies.get(n.movieId);
            return m ? [{ movie: withPoster(m, posters), score: n.score }] : [];
          }),
        };
      };
      const text = await cachedJson(
        c,
        deps.cache,
        `recs:item:${id}:${limit}:${steer ?? ""}:${genre ?? ""}`,
        countedRead(c, deps, build),
      );
      if (text === null) {
        throw new ProblemError(404, "Movie not found", `No movie has id ${id}`);
      }
      c.header("Cache-Control", "public, max-age=60");
      return jsonText<NonNullable<Awaited<ReturnType<typeof build>>>>(c, text);
    });
}
