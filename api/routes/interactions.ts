/**
 * A user's own interactions: record (rating, view, like, dislike, and skip:
 * "haven't seen it"), list and undo. Authenticated; writes are rate limited
 * per user.
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Interaction } from "../../core/types.ts";
import { isTaste } from "../../core/profile.ts";
import { withPoster } from "../posters.ts";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { requireUser } from "../middleware/auth.ts";
import { limitWrites } from "../middleware/rate_limit.ts";
import { ProblemError, validationHook } from "../problem.ts";
import {
  interactionCreatedSchema,
  interactionDeleteQuery,
  interactionInputSchema,
  interactionMovieParam,
  json,
  problem,
  userInteractionsSchema,
} from "../schemas.ts";

const security = [{ bearerAuth: [] }];

/**
 * The types a new interaction removes: like and dislike exclude each other,
 * as do wanting to watch and not being interested, and any sign of having
 * seen a movie (or wanting to) undoes "haven't seen it".
 */
const REPLACES: Record<Interaction["type"], Interaction["type"][]> = {
  rating: ["skip"],
  view: ["skip"],
  like: ["dislike", "skip"],
  dislike: ["like", "skip"],
  skip: [],
  watchlist: ["hide", "skip"],
  hide: ["watchlist", "skip"],
};

const SEEN_WORDS: Record<Interaction["type"], string> = {
  rating: "rated",
  view: "viewed",
  like: "liked",
  dislike: "disliked",
  skip: "skipped",
  watchlist: "listed to watch",
  hide: "marked not interested",
};

/** The interaction routes. */
export function interactionRoutes(deps: RouteDeps) {
  const auth = requireUser(deps.verifier);
  const limited = limitWrites(deps.rateLimiter, deps.limits.writes);

  const create = createRoute({
    method: "post",
    path: "/api/interactions",
    tags: ["interactions"],
    summary: "Record a rating, view, like, dislike or skip",
    description:
      'A second interaction of the same type on a movie replaces the first; a like removes a dislike and the other way round. A skip says "I haven\'t seen it" (an onboarding answer): it is never counted as a rating, view or like, the movie may still be recommended, and any later rating, view, like or dislike of the movie removes it. A skip of a movie the caller already rated, viewed, liked or disliked is refused (409).',
    security,
    middleware: [auth, limited] as const,
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: interactionInputSchema } },
      },
    },
    responses: {
      201: json(interactionCreatedSchema, "The stored interaction"),
      400: problem("The body is invalid"),
      401: problem("No valid access token"),
      404: problem("No movie has this id"),
      409: problem(
        "A skip of a movie the caller already rated, viewed, liked or disliked",
      ),
      413: problem("The body is too large"),
      415: problem("The body is not JSON"),
      429: problem("Too many writes; see Retry-After"),
    },
  });

  const list = createRoute({
    method: "get",
    path: "/api/users/me/interactions",
    tags: ["interactions"],
    summary: "The caller's interactions, newest first",
    security,
    middleware: [auth] as const,
    responses: {
      200: json(userInteractionsSchema, "Interactions with their movie"),
      401: problem("No valid access token"),
    },
  });

  const remove = createRoute({
    method: "delete",
    path: "/api/interactions/{movieId}",
    tags: ["interactions"],
    summary: "Undo the caller's interactions with a movie",
    security,
    middleware: [auth, limited] as const,
    request: { params: interactionMovieParam, query: interactionDeleteQuery },
    responses: {
      204: { description: "Removed (or there was nothing to remove)" },
      400: problem("The movie id or type is invalid"),
      401: problem("No valid access token"),
      429: problem("Too many writes; see Retry-After"),
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(create, async (c) => {
      const input = c.req.valid("json");
      const user = c.get("user");
      const movie = await deps.store.movies.get(input.movieId);
      if (!movie) {
        throw new ProblemError(
          404,
          "Movie not found",
          `No movie has id ${input.movieId}`,
        );
      }
      const interaction: Interaction = {
        userId: user.id,
        movieId: input.movieId,
        type: input.type,
        value: input.type === "rating" ? input.value ?? null : null,
        timestamp: Date.now(),
      };
      await deps.store.transaction(async () => {
        if (input.type === "skip") {
          const seen = (await deps.store.interactions.forUser(user.id)).find(
            (i) =>
              i.movieId === input.movieId && i.type !== "skip" && isTaste(i),
          );
          if (seen) {
            throw new ProblemError(
              409,
              "Already seen",
              `Cannot record "haven't seen it" for movie ${input.movieId}: you ${
                SEEN_WORDS[seen.type]
              } it; undo that first (DELETE /api/interactions/${input.movieId})`,
            );
          }
        }
        for (const type of REPLACES[input.type]) {
          await deps.store.interactions.remove(user.id, input.movieId, type);
        }
        await deps.store.interactions.upsert([interaction]);
      });
      c.header("Cache-Control", "no-store");
      return c.json({ interaction }, 201);
    })
    .openapi(list, async (c) => {
      const user = c.get("user");
      const history = await deps.store.interactions.forUser(user.id);
      const ids = [...new Set(history.map((i) => i.movieId))];
      const [found, posters] = await Promise.all([
        deps.store.movies.getMany(ids),
        deps.posters.paths(),
      ]);
      const movies = new Map(found.map((m) => [m.id, m]));
      const items = history.flatMap((i) => {
        const m = movies.get(i.movieId);
        return m
          ? [{
            ...i,
            movie: withPoster(
              { id: m.id, title: m.title, year: m.year },
              posters,
            ),
          }]
          : [];
      });
      c.header("Cache-Control", "private, no-store");
      return c.json({ items }, 200);
    })
    .openapi(remove, async (c) => {
      const { movieId } = c.req.valid("param");
      const { type } = c.req.valid("query");
      await deps.store.interactions.remove(c.get("user").id, movieId, type);
      return c.body(null, 204);
    });
}
