/** Domain types shared by pipeline, store, api and web. Plain data only. */

/** A movie as MovieLens describes it, plus the tags users gave it. */
export interface Movie {
  /** MovieLens `movieId`. */
  id: number;
  /** Title without the trailing year, e.g. "Toy Story". */
  title: string;
  /** Release year parsed from the title, or null when the title has none. */
  year: number | null;
  /** Genres; empty when MovieLens says "(no genres listed)". */
  genres: string[];
  /** Distinct user tags, most frequent first. */
  tags: string[];
  /** IMDb id with the `tt` prefix, e.g. "tt0114709", or null. */
  imdbId: string | null;
  /** TMDB id, or null. */
  tmdbId: number | null;
}

/** Rating statistics of one movie, computed by the pipeline's precompute step. */
export interface MovieStats {
  movieId: number;
  ratingCount: number;
  /** Mean rating, 0 when unrated. */
  ratingMean: number;
  /** Bayesian average (shrunk towards the global mean); orders "popular" lists. */
  bayesianScore: number;
  /** Histogram of ratings by half star: index 0 is 0.5, index 9 is 5.0. */
  ratingHistogram: number[];
}

/** A movie with its statistics, as the API serves it. */
export interface MovieWithStats extends Movie {
  ratingCount: number;
  ratingMean: number;
  bayesianScore: number;
  ratingHistogram: number[];
}

/**
 * What a user did with a movie. `skip` is "I haven't seen it", an answer to
 * an onboarding question: no taste signal (core/skips.ts). "watchlist" (want
 * to watch) and "hide" (not interested) are lists, not taste: they keep a
 * movie out of recommendations and teach the models nothing (see `isTaste`).
 * The position of each is its code in `InteractionColumns`: append only.
 */
export const INTERACTION_TYPES = [
  "rating",
  "view",
  "like",
  "dislike",
  "skip",
  "watchlist",
  "hide",
] as const;

/** One of `INTERACTION_TYPES`. */
export type InteractionType = typeof INTERACTION_TYPES[number];

/**
 * One user action on one movie. A user has at most one interaction of each
 * type per movie: a second rating replaces the first.
 */
export interface Interaction {
  /** Supabase user id (`sub`), or `ml:<userId>` for MovieLens users. */
  userId: string;
  movieId: number;
  type: InteractionType;
  /** The rating (0.5 to 5 in half steps) for `rating`; null otherwise. */
  value: number | null;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** A scored neighbour or candidate. */
export interface ScoredMovie {
  movieId: number;
  score: number;
}

/**
 * Packed embeddings: row `i` of `vectors` (length `dim`) belongs to `ids[i]`.
 * Rows are L2-normalised so that dot product equals cosine similarity.
 */
export interface EmbeddingMatrix {
  ids: Int32Array;
  dim: number;
  vectors: Float32Array;
}
