/**
 * Catalogue routes: movie search, movie details and genres. Public and
 * cached (lists, details and genres do not change between pipeline runs).
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { MovieWithStats } from "../../core/types.ts";
import { cached } from "../route_cache.ts";
import { countedRead } from "../middleware/rate_limit.ts";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { withPoster } from "../posters.ts";
import { ProblemError, validationHook } from "../problem.ts";
import {
  genresSchema,
  json,
  movieDetailSchema,
  movieIdParam,
  movieListQuery,
  moviePageSchema,
  problem,
} from "../schemas.ts";

const PUBLIC_CACHE_CONTROL = "public, max-age=60";

const listMovies = createRoute({
  method: "get",
  path: "/api/movies",
  tags: ["movies"],
  summary: "Search and page through movies",
  request: { query: movieListQuery },
  responses: {
    200: json(moviePageSchema, "A page of movies and the total"),
    400: problem("A query parameter is invalid"),
  },
});

const getMovie = createRoute({
  method: "get",
  path: "/api/movies/{id}",
  tags: ["movies"],
  summary: "One movie with statistics and outside links",
  request: { params: movieIdParam },
  responses: {
    200: json(movieDetailSchema, "The movie"),
    400: problem("The id is not a positive integer"),
    404: problem("No movie has this id"),
  },
});

const listGenres = createRoute({
  method: "get",
  path: "/api/genres",
  tags: ["movies"],
  summary: "Every genre with its number of movies",
  responses: { 200: json(genresSchema, "Genres, most frequent first") },
});

/** IMDb and TMDB pages of a movie. */
export function movieLinks(movie: MovieWithStats): {
  imdb?: string;
  tmdb?: string;
} {
  return {
    ...(movie.imdbId
      ? { imdb: `https://www.imdb.com/title/${movie.imdbId}/` }
      : {}),
    ...(movie.tmdbId !== null
      ? { tmdb: `https://www.themoviedb.org/movie/${movie.tmdbId}` }
      : {}),
  };
}

/** The `genre` query parameter (absent, one, or repeated) as a list. */
export function genreList(genre: string | string[] | undefined): string[] {
  return genre === undefined ? [] : [genre].flat();
}

/** Throws a 400 problem naming the unknown genres. */
export async function checkGenres(
  c: Parameters<typeof cached>[0],
  deps: RouteDeps,
  genres: string[],
): Promise<void> {
  if (genres.length === 0) return;
  const known = await cached(
    c,
    deps.cache,
    "genres",
    () => deps.store.movies.genres(),
  );
  const names = new Set(known.map((g) => g.genre));
  const unknown = genres.filter((g) => !names.has(g));
  if (unknown.length > 0) {
    throw new ProblemError(
      400,
      "Invalid request",
      `genre: unknown genre ${unknown.map((g) => `"${g}"`).join(", ")}`,
      {
        type: "/problems/validation",
        errors: unknown.map((g) => ({
          name: "genre",
          in: "query",
          reason: `Unknown genre "${g}": expected one of ${
            [...names].join(", ")
          }`,
        })),
      },
    );
  }
}

/** The catalogue routes. */
export function movieRoutes(deps: RouteDeps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(listMovies, async (c) => {
      const query = c.req.valid("query");
      const genres = genreList(query.genre);
      await checkGenres(c, deps, genres);
      const { page, pageSize } = query;
      const storeQuery = {
        q: query.q || undefined,
        genres: genres.length > 0 ? [...genres].sort() : undefined,
        yearFrom: query.yearFrom,
        yearTo: query.yearTo,
        sort: query.sort,
        order: query.order,
        offset: (page - 1) * pageSize,
        limit: pageSize,
      };
      const result = await cached(
        c,
        deps.cache,
        `movies:list:${JSON.stringify(storeQuery)}`,
        countedRead(c, deps, () => deps.store.movies.query(storeQuery)),
      );
      const posters = await deps.posters.paths();
      c.header("Cache-Control", PUBLIC_CACHE_CONTROL);
      return c.json(
        {
          items: result.items.map((movie) => withPoster(movie, posters)),
          total: result.total,
          page,
          pageSize,
          correctedQuery: result.correctedQuery ?? null,
        },
        200,
      );
    })
    .openapi(getMovie, async (c) => {
      const { id } = c.req.valid("param");
      const movie = await cached(
        c,
        deps.cache,
        `movies:detail:${id}`,
        () => deps.store.movies.get(id),
      );
      if (!movie) {
        throw new ProblemError(404, "Movie not found", `No movie has id ${id}`);
      }
      c.header("Cache-Control", PUBLIC_CACHE_CONTROL);
      return c.json(
        {
          ...withPoster(movie, await deps.posters.paths()),
          links: movieLinks(movie),
        },
        200,
      );
    })
    .openapi(listGenres, async (c) => {
      const genres = await cached(
        c,
        deps.cache,
        "genres",
        () => deps.store.movies.genres(),
      );
      c.header("Cache-Control", PUBLIC_CACHE_CONTROL);
      return c.json({ genres }, 200);
    });
}
