/**
 * The zod schemas that validate requests and describe responses; the OpenAPI
 * document is generated from these same objects.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { STEERS } from "../core/recommenders/steer.ts";
import { INTERACTION_TYPES } from "../core/types.ts";

/** Largest id accepted in paths and bodies (SQLite and JSON safe). */
const MAX_ID = 2 ** 31 - 1;

/** An integer from a path or query string, with a readable type error. */
const intParam = (min: number, max: number) =>
  z.coerce.number({
    error: (issue) =>
      issue.code === "invalid_type" ? "expected an integer" : undefined,
  }).int().min(min).max(max);

/** A positive integer id in a path (`/api/movies/{id}`). */
export const movieIdParam = z.object({
  id: intParam(1, MAX_ID).openapi({
    param: { name: "id", in: "path" },
    example: 1,
    description: "MovieLens movie id",
  }),
});

/** `{movieId}` in the path of DELETE /api/interactions/{movieId}. */
export const interactionMovieParam = z.object({
  movieId: intParam(1, MAX_ID).openapi({
    param: { name: "movieId", in: "path" },
    example: 1,
  }),
});

const genreList = z.union([
  z.string().min(1).max(50),
  z.array(z.string().min(1).max(50)).max(20),
])
  .optional()
  .openapi({
    param: { name: "genre", in: "query", style: "form", explode: true },
    description: "One or more genres; a movie must have every one",
    example: "Comedy",
  });

/** A query's year range is not reversed (with `YEARS_REVERSED` as the error). */
function yearsInOrder(q: { yearFrom?: number; yearTo?: number }): boolean {
  return q.yearFrom === undefined || q.yearTo === undefined ||
    q.yearFrom <= q.yearTo;
}
const YEARS_REVERSED = {
  path: ["yearTo"],
  message: "must not be before yearFrom",
};

/** Query of GET /api/movies. */
export const movieListQuery = z.object({
  q: z.string().trim().max(200).optional().openapi({
    description:
      "Title search: articles optional, words in any order, case, accents and punctuation folded; when nothing matches, a one- or two-letter typo is corrected (see correctedQuery)",
    example: "the matrix",
  }),
  genre: genreList,
  yearFrom: intParam(1800, 2200).optional().openapi({
    example: 1990,
  }),
  yearTo: intParam(1800, 2200).optional().openapi({
    example: 1999,
  }),
  sort: z.enum(["relevance", "popular", "rating", "title", "year"]).optional()
    .openapi({
      description:
        "relevance: best title match first (the default with q); popular: most rated first (the default without q); rating: Bayesian average, so few ratings never top it; title; year",
    }),
  order: z.enum(["asc", "desc"]).optional(),
  page: intParam(1, 100_000).default(1),
  pageSize: intParam(1, 100).default(20),
}).refine(yearsInOrder, YEARS_REVERSED);

/** Query of GET /api/search. */
export const searchQuery = z.object({
  q: z.string().trim().min(1, "must not be empty").max(200).openapi({
    description:
      "What the movie is about, or its title: “space horror”, “heist with a twist”, “toy story”",
    example: "heist with a twist",
  }),
  genre: genreList,
  yearFrom: intParam(1800, 2200).optional().openapi({ example: 1980 }),
  yearTo: intParam(1800, 2200).optional().openapi({ example: 1989 }),
  page: intParam(1, 100).default(1),
  pageSize: intParam(1, 50).default(20),
}).refine(yearsInOrder, YEARS_REVERSED);

/** A movie with its rating statistics. */
export const movieWithStatsSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  year: z.number().int().nullable(),
  genres: z.array(z.string()),
  tags: z.array(z.string()),
  imdbId: z.string().nullable(),
  tmdbId: z.number().int().nullable(),
  posterPath: z.string().nullable().openapi({
    description:
      "TMDB poster image path, null without one; the image is https://image.tmdb.org/t/p/w342{posterPath} (widths w92 to w780)",
    example: "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg",
  }),
  ratingCount: z.number().int(),
  ratingMean: z.number(),
  bayesianScore: z.number(),
  ratingHistogram: z.array(z.number()),
}).openapi("MovieWithStats");

/** A movie's detail page: stats plus outside links. */
export const movieDetailSchema = movieWithStatsSchema.extend({
  links: z.object({
    imdb: z.string().optional(),
    tmdb: z.string().optional(),
  }),
}).openapi("MovieDetail");

export const moviePageSchema = z.object({
  items: z.array(movieWithStatsSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  correctedQuery: z.string().nullable().openapi({
    description:
      'When no title matched q as typed: the corrected query these movies match ("Did you mean"); null otherwise',
    example: null,
  }),
}).openapi("MoviePage");

export const genresSchema = z.object({
  genres: z.array(z.object({ genre: z.string(), count: z.number().int() })),
}).openapi("Genres");

/** Why a search result matched. */
export const searchMatchSchema = z.object({
  title: z.boolean().openapi({ description: "The query matches the title" }),
  genres: z.array(z.string()),
  tags: z.array(z.string()),
  decade: z.number().int().nullable().openapi({ example: 1980 }),
  text: z.string().openapi({ example: "Tagged heist, twist" }),
}).openapi("SearchMatch");

export const searchResultsSchema = z.object({
  query: z.string(),
  matchedBy: z.enum(["description", "title"]).openapi({
    description:
      "description: ranked by meaning (with titles and popularity); title: the query could not be embedded, so titles only",
  }),
  model: z.string().nullable().openapi({
    description: "The embedding model the query was compared in",
    example: "tfidf",
  }),
  total: z.number().int().openapi({
    description: "Results in all pages (at most 100)",
  }),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(z.object({
    movie: movieWithStatsSchema,
    score: z.number(),
    match: searchMatchSchema,
  })),
}).openapi("SearchResults");

const movieRefSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  year: z.number().int().nullable(),
}).openapi("MovieRef");

const interactionType = z.enum(INTERACTION_TYPES).openapi({
  description:
    'skip: "I haven\'t seen it", an onboarding answer; never counted as a rating, view or like. watchlist (want to watch) and hide (not interested) keep a movie out of recommendations and teach nothing about taste',
});

/** Body of POST /api/interactions. */
export const interactionInputSchema = z.object({
  movieId: z.number().int().min(1).max(MAX_ID).openapi({ example: 1 }),
  type: interactionType,
  value: z.number().nullable().optional().openapi({
    description: "The rating, 0.5 to 5 in steps of 0.5; only for type rating",
    example: 4.5,
  }),
}).strict().superRefine((input, ctx) => {
  const value = input.value ?? null;
  if (input.type === "rating") {
    if (value === null) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: "is required for a rating: expected 0.5 to 5 in steps of 0.5",
      });
    } else if (value < 0.5 || value > 5 || !Number.isInteger(value * 2)) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message:
          `Cannot accept rating ${value}: expected 0.5 to 5 in steps of 0.5`,
      });
    }
  } else if (value !== null) {
    ctx.addIssue({
      code: "custom",
      path: ["value"],
      message: `must be absent for type "${input.type}", got ${value}`,
    });
  }
}).openapi("InteractionInput");

export const interactionSchema = z.object({
  userId: z.string(),
  movieId: z.number().int(),
  type: interactionType,
  value: z.number().nullable(),
  timestamp: z.number().int().openapi({ description: "ms since the epoch" }),
}).openapi("Interaction");

export const interactionCreatedSchema = z.object({
  interaction: interactionSchema,
});

export const userInteractionsSchema = z.object({
  items: z.array(interactionSchema.extend({
    movie: movieRefSchema.extend({
      posterPath: z.string().nullable().openapi({
        description: "TMDB poster path (null without one)",
      }),
    }),
  })),
}).openapi("UserInteractions");

/** Query of DELETE /api/interactions/{movieId}. */
export const interactionDeleteQuery = z.object({
  type: interactionType.optional().openapi({
    description: "Remove only this type; every type when omitted",
  }),
});

/** Query of GET /api/recommendations/user/me. */
export const userRecommendationsQuery = z.object({
  limit: intParam(1, 100).default(20),
  genre: z.string().min(1).max(50).optional().openapi({ example: "Comedy" }),
});

/** Query of GET /api/onboarding. */
export const onboardingQuery = z.object({
  limit: intParam(1, 50).default(10).openapi({
    description: "How many movies to ask about (default 10, at most 50)",
  }),
});

export const onboardingSchema = z.object({
  items: z.array(z.object({ movie: movieWithStatsSchema })),
}).openapi("OnboardingQuestions");

/** Query of GET /api/recommendations/item/{id}. */
export const itemRecommendationsQuery = z.object({
  limit: intParam(1, 100).default(20),
  steer: z.enum(STEERS).optional().openapi({
    description:
      "More like this, but: newer or older (release year), lighter or darker (the genres' tone, then the text's among equal genres), or more popular (more ratings)",
    example: "newer",
  }),
  genre: z.string().min(1).max(50).optional().openapi({
    description: "Only similar movies of this genre",
    example: "Comedy",
  }),
});

export const explanationSchema = z.object({
  kind: z.enum(["rated", "liked", "popular"]),
  because: z.array(z.object({ id: z.number().int(), title: z.string() })),
  text: z.string().openapi({ example: "Because you rated Toy Story" }),
}).openapi("Explanation");

export const userRecommendationsSchema = z.object({
  strategy: z.string().openapi({ example: "content" }),
  coldStart: z.boolean(),
  items: z.array(z.object({
    movie: movieWithStatsSchema,
    score: z.number(),
    explanation: explanationSchema,
  })),
}).openapi("UserRecommendations");

export const itemRecommendationsSchema = z.object({
  movie: movieRefSchema,
  steer: z.enum(STEERS).nullable(),
  genre: z.string().nullable(),
  items: z.array(z.object({ movie: movieWithStatsSchema, score: z.number() })),
}).openapi("ItemRecommendations");

/** Body of POST /api/auth/signup and /login. */
export const credentialsSchema = z.object({
  email: z.email().max(254).openapi({ example: "ada@example.com" }),
  password: z.string().min(8).max(200).openapi({ example: "correct horse" }),
}).strict().openapi("Credentials");

export const sessionSchema = z.object({
  accessToken: z.string(),
  expiresAt: z.number().int().openapi({
    description: "Expiry in seconds since the epoch (as Supabase's expires_at)",
  }),
  refreshToken: z.string().openapi({
    description:
      "Trades for a new session at POST /api/auth/refresh, once: each use returns the next one",
  }),
  user: z.object({ id: z.string(), email: z.string() }),
}).openapi("Session");

export const signupAcceptedSchema = z.object({
  status: z.literal("accepted"),
  detail: z.string(),
}).openapi("SignupAccepted");

/** Body of POST /api/auth/refresh. */
export const refreshSchema = z.object({
  refreshToken: z.string().min(1).max(300),
}).strict().openapi("RefreshRequest");

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({
    name: z.string(),
    in: z.string(),
    reason: z.string(),
  })).optional(),
}).openapi("Problem");

/** A problem response entry for `createRoute({ responses })`. */
export function problem(description: string) {
  return {
    description,
    content: { "application/problem+json": { schema: problemSchema } },
  };
}

/** A JSON response entry for `createRoute({ responses })`. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export const healthSchema = z.object({ status: z.literal("ok") });

export const readinessSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  store: z.object({ kind: z.string(), ok: z.boolean() }),
  cache: z.object({ kind: z.string(), ok: z.boolean() }),
  movies: z.number().int(),
}).openapi("Readiness");
