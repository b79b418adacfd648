/**
 * Recommendations: personalised for the caller, and similar movies.
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Interaction } from "../../core/types.ts";
import { cached } from "../cached.ts";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { explanationText } from "../explanation_text.ts";
import { requireUser } from "../middleware/auth.ts";
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

/**
 * A 53-bit hash of a user's history (cyrb53). It is part of the cache key of
 * the user's recommendations, so any change to the history, on any instance,
 * makes the old entry unreachable: invalidation without a delete race.
 */
export function historyFingerprint(history: Interaction[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const i of history) {
    const text = `${i.movieId}:${i.type}:${i.value}:${i.timestamp};`;
    for (let k = 0; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^
    Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^
    Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The recommendation routes. */
export function recommendationRoutes(deps: RouteDeps) {
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
      400: problem("The id or limit is invalid"),
      404: problem("No movie has this id"),
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(forUser, async (c) => {
      const { limit, genre } = c.req.valid("query");
      if (genre) await checkGenres(c, deps, [genre]);
      const userId = c.get("user").id;
      const history = await deps.store.interactions.forUser(userId);
      const key = `recs:user:${userId}:${
        historyFingerprint(history)
      }:${limit}:${genre ?? ""}`;
      const body = await cached(c, deps.cache, key, async () => {
        const serving = await deps.serving();
        const filter = genre
          ? (id: number) =>
            serving.catalog.get(id)?.genres.includes(genre) ?? false
          : undefined;
        let strategy = serving.recommender.name;
        let recommendations = history.length > 0
          ? serving.recommender.recommend(history, { limit, filter })
          : [];
        if (recommendations.length === 0) {
          strategy = serving.popular.name;
          recommendations = serving.popular.recommend(history, {
            limit,
            filter,
          });
        }
        const movies = new Map(
          (await deps.store.movies.getMany(
            recommendations.map((r) => r.movieId),
          )).map((m) => [m.id, m]),
        );
        const items = recommendations.flatMap((r) => {
          const movie = movies.get(r.movieId);
          if (!movie) return [];
          const because = r.explanation.because.flatMap((id) => {
            const entry = serving.catalog.get(id);
            return entry ? [{ id, title: entry.title }] : [];
          });
          return [{
            movie,
            score: r.score,
            explanation: {
              kind: r.explanation.kind,
              because,
              text: explanationText(
                r.explanation,
                because.map((b) => b.title),
              ),
            },
          }];
        });
        return { strategy, coldStart: history.length === 0, items };
      });
      c.header("Cache-Control", "private, no-store");
      return c.json(body, 200);
    })
    .openapi(forItem, async (c) => {
      const { id } = c.req.valid("param");
      const { limit } = c.req.valid("query");
      const body = await cached(
        c,
        deps.cache,
        `recs:item:${id}:${limit}`,
        async () => {
          const movie = await deps.store.movies.get(id);
          if (!movie) return null;
          const serving = await deps.serving();
          const neighbours = await serving.similar(id, limit);
          const movies = new Map(
            (await deps.store.movies.getMany(neighbours.map((n) => n.movieId)))
              .map((m) => [m.id, m]),
          );
          return {
            movie: { id: movie.id, title: movie.title, year: movie.year },
            items: neighbours.flatMap((n) => {
              const m = movies.get(n.movieId);
              return m ? [{ movie: m, score: n.score }] : [];
            }),
          };
        },
      );
      if (!body) {
        throw new ProblemError(404, "Movie not found", `No movie has id ${id}`);
      }
      c.header("Cache-Control", "public, max-age=60");
      return c.json(body, 200);
    });
}
