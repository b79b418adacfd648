/**
 * Search by what a movie is about: the query's embedding against the served
 * movie vectors, blended with title matches and popularity
 * (core/search/rank.ts), with genre and year filters, and why each movie
 * matched. Built once at start from what serving already holds.
 * @module
 */
import {
  DEFAULT_SEARCH_WEIGHTS,
  popularityScore,
  rankSearch,
  type SearchSignals,
  type SearchWeights,
} from "../core/search/rank.ts";
import { TitleIndex, titleMatchStrength } from "../store/title_search.ts";
import {
  type MatchReasons,
  matchReasons,
} from "../core/text/query_features.ts";
import { movieFeatures } from "../core/text/tfidf.ts";
import type { MovieWithStats } from "../core/types.ts";
import type { CatalogEntry } from "./catalog.ts";
import type { DescriptionMatcher } from "./description_matcher.ts";

/** Most results one query returns (pages beyond are not relevant anyway). */
export const MAX_SEARCH_RESULTS = 100;

/** Movies nearest in meaning considered per query, before blending. */
const DESCRIPTION_CANDIDATES = 3 * MAX_SEARCH_RESULTS;

/** Filters and paging of a search. */
export interface DescriptionSearchOptions {
  /** Results wanted from `offset` on. */
  limit: number;
  offset?: number;
  /** A movie must have every one. */
  genres?: readonly string[];
  yearFrom?: number;
  yearTo?: number;
  /** Default `DEFAULT_SEARCH_WEIGHTS` (the evaluation tries others). */
  weights?: SearchWeights;
}

/** One result: the movie, its score and what made it. */
export interface DescriptionSearchHit extends SearchSignals {
  movie: MovieWithStats;
  score: number;
  /** Genres, tags, title words and decade the movie shares with the query. */
  reasons: MatchReasons;
}

/** A page of results. */
export interface DescriptionSearchResult {
  /** "description": the query was embedded; "title": titles only. */
  matchedBy: "description" | "title";
  /** Results in all pages (at most `MAX_SEARCH_RESULTS`). */
  total: number;
  items: DescriptionSearchHit[];
}

/** What `DescriptionSearch` is built from. */
export interface DescriptionSearchParts {
  catalog: ReadonlyMap<number, CatalogEntry>;
  /** Ratings per movie (popularity). */
  ratingCounts: ReadonlyMap<number, number>;
  /** Meets queries with the served embedder; null: titles only. */
  matcher: DescriptionMatcher | null;
  /** Full records of the movies of a page (their tags say why they matched). */
  movies(ids: number[]): Promise<MovieWithStats[]>;
}

/**
 * Ranks movies for free text such as "space horror" or a title.
 *
 * @example
 * ```ts
 * const search = new DescriptionSearch({
 *   catalog, ratingCounts, matcher,
 *   movies: (ids) => store.movies.getMany(ids),
 * });
 * const { items } = await search.search("heist with a twist", { limit: 10 });
 * ```
 */
export class DescriptionSearch {
  readonly #parts: DescriptionSearchParts;
  readonly #maxCount: number;
  #titles: TitleIndex | null = null;

  constructor(parts: DescriptionSearchParts) {
    this.#parts = parts;
    this.#maxCount = Math.max(0, ...parts.ratingCounts.values());
  }

  /**
   * Builds the title index and the matcher's index after the caller's
   * current work (the server starting to listen), between requests, and
   * settles when both are built; the first search builds whatever is not
   * ready yet.
   */
  async prepareInBackground(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#titleIndex();
    await this.#parts.matcher?.prepareInBackground?.();
  }

  /** Built on first use: the start path does not wait for it. */
  #titleIndex(): TitleIndex {
    const { catalog, ratingCounts } = this.#parts;
    return this.#titles ??= new TitleIndex(
      [...catalog].map(([id, entry]) => ({
        id,
        title: entry.title,
        year: entry.year,
        weight: ratingCounts.get(id) ?? 0,
      })),
    );
  }

  /** The embedding model queries are compared in, or null (titles only). */
  get model(): string | null {
    return this.#parts.matcher?.model ?? null;
  }

  /** Results for `query`, best first. */
  async search(
    query: string,
    options: DescriptionSearchOptions,
  ): Promise<DescriptionSearchResult> {
    const filter = this.#filter(options);
    const signals = new Map<number, SearchSignals>();
    const signal = (movieId: number) => {
      let s = signals.get(movieId);
      if (!s) {
        const count = this.#parts.ratingCounts.get(movieId) ?? 0;
        s = {
          movieId,
          description: 0,
          title: 0,
          popularity: popularityScore(count, this.#maxCount),
        };
        signals.set(movieId, s);
      }
      return s;
    };
    const nearest = await this.#parts.matcher?.nearest(
      query,
      DESCRIPTION_CANDIDATES,
      filter,
    ) ?? null;
    // Relative to the closest match, so that the blend does not depend on
    // the embedder's scale of cosines.
    const best = nearest?.[0]?.score ?? 0;
    for (const { movieId, score } of nearest ?? []) {
      if (score > 0) signal(movieId).description = score / best;
    }
    // The browse page's title matcher (typos corrected when nothing matches).
    const titles = this.#titleIndex().search(query).matches
      .filter((m) => !filter || filter(m.id))
      .slice(0, MAX_SEARCH_RESULTS);
    for (const { id, score } of titles) {
      signal(id).title = titleMatchStrength(score);
    }

    const ranked = rankSearch(
      [...signals.values()],
      options.weights ?? DEFAULT_SEARCH_WEIGHTS,
    ).slice(0, MAX_SEARCH_RESULTS);
    const offset = options.offset ?? 0;
    const page = ranked.slice(offset, offset + options.limit);
    const records = new Map(
      (await this.#parts.movies(page.map((r) => r.movieId))).map((m) => [
        m.id,
        m,
      ]),
    );
    return {
      matchedBy: nearest ? "description" : "title",
      total: ranked.length,
      items: page.flatMap((r) => {
        const movie = records.get(r.movieId);
        if (!movie) return [];
        const reasons = matchReasons(query, movieFeatures(movie).keys());
        return [{ ...r, movie, reasons }];
      }),
    };
  }

  #filter(
    options: DescriptionSearchOptions,
  ): ((movieId: number) => boolean) | undefined {
    const { genres = [], yearFrom, yearTo } = options;
    if (!genres.length && yearFrom === undefined && yearTo === undefined) {
      return undefined;
    }
    return (movieId) => {
      const entry = this.#parts.catalog.get(movieId);
      if (!entry) return false;
      if (genres.some((g) => !entry.genres.includes(g))) return false;
      if (yearFrom !== undefined && (entry.year ?? -Infinity) < yearFrom) {
        return false;
      }
      if (yearTo !== undefined && (entry.year ?? Infinity) > yearTo) {
        return false;
      }
      return true;
    };
  }
}
