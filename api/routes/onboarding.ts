/**
 * Onboarding: the movies a new user should be asked about next, chosen from
 * the answers so far (serving/onboarding.ts) and cached under a fingerprint
 * of the user's history, like recommendations.
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { cachedJson, jsonText } from "../route_cache.ts";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { requireUser } from "../middleware/auth.ts";
import { withPoster } from "../posters.ts";
import { validationHook } from "../problem.ts";
import {
  json,
  onboardingQuery,
  onboardingSchema,
  problem,
} from "../schemas.ts";

/** The onboarding route. */
export function onboardingRoutes(deps: RouteDeps) {
  const next = createRoute({
    method: "get",
    path: "/api/onboarding",
    tags: ["recommendations"],
    summary: "The movies to ask the caller about next",
    description:
      'Answer each with a rating, or with a skip ("haven\'t seen it", `POST /api/interactions` type `skip`), then ask again: what comes next depends on the answers so far (movies that people who saw the rated ones saw too, away from skipped ones; the most rated movies before any answer). Never a movie the caller already rated, skipped, liked, disliked or viewed. An empty list means there is nothing left to ask.',
    security: [{ bearerAuth: [] }],
    middleware: [requireUser(deps.verifier)] as const,
    request: { query: onboardingQuery },
    responses: {
      200: json(onboardingSchema, "Movies to ask about, best question first"),
      400: problem("limit is invalid"),
      401: problem("No valid access token"),
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(next, async (c) => {
      const { limit } = c.req.valid("query");
      const userId = c.get("user").id;
      const { fingerprint, history: read } = await deps.fingerprints.of(
        userId,
      );
      const build = async () => {
        const history = read ?? await deps.store.interactions.forUser(userId);
        const { questionnaire } = await deps.serving();
        const ids = questionnaire.next(history, { limit });
        const [movies, posters] = await Promise.all([
          deps.store.movies.getMany(ids),
          deps.posters.paths(),
        ]);
        return {
          items: movies.map((movie) => ({ movie: withPoster(movie, posters) })),
        };
      };
      const text = await cachedJson(
        c,
        deps.cache,
        `onboarding:user:${userId}:${fingerprint}:${limit}`,
        build,
      );
      c.header("Cache-Control", "private, no-store");
      return jsonText<Awaited<ReturnType<typeof build>>>(c, text);
    });
}
