/**
 * One user's recommendations as served: the personalised recommender, the
 * cold-start list when it has nothing to say, and each item's explanation
 * with the titles of the movies behind it.
 */
import type { Explanation } from "../core/recommender.ts";
import type { Interaction } from "../core/types.ts";
import { isTaste } from "../core/profile.ts";
import { explanationText } from "./explanation_text.ts";
import { distinctReasons } from "./distinct_reasons.ts";
import type { Serving } from "./mod.ts";

/** An explanation with titles and its sentence, as shown to users. */
export interface ServedExplanation {
  kind: Explanation["kind"];
  because: { id: number; title: string }[];
  text: string;
}

/** One recommended movie. */
export interface ServedRecommendation {
  movieId: number;
  score: number;
  explanation: ServedExplanation;
}

/** A user's list and how it was made. */
export interface ServedRecommendations {
  /** Name of the recommender that answered (the cold-start one when it did). */
  strategy: string;
  /** True when the user has no history yet. */
  coldStart: boolean;
  items: ServedRecommendation[];
}

/** Options of `recommendForUser`. */
export interface RecommendForUserOptions {
  limit: number;
  /** Only movies of this genre (already checked to exist). */
  genre?: string;
}

/**
 * Recommendations for `history`, best first.
 *
 * @example
 * ```ts
 * const { items } = await recommendForUser(serving, history, { limit: 10 });
 * items[0].explanation.text; // "Because you rated Toy Story"
 * ```
 */
export async function recommendForUser(
  serving: Serving,
  history: Interaction[],
  options: RecommendForUserOptions,
): Promise<ServedRecommendations> {
  const { limit, genre } = options;
  const { catalog } = serving;
  // The models see taste only; the watchlist and hidden movies stay out.
  const taste = history.filter(isTaste);
  const listed = new Set(
    history.filter((i) => !isTaste(i)).map((i) => i.movieId),
  );
  const filter = genre || listed.size > 0
    ? (id: number) =>
      !listed.has(id) &&
      (!genre || (catalog.get(id)?.genres.includes(genre) ?? false))
    : undefined;
  let strategy = serving.recommender.name;
  let recommendations = taste.length > 0
    ? await serving.recommender.recommend(taste, { limit, filter })
    : [];
  if (recommendations.length === 0) {
    strategy = serving.popular.name;
    recommendations = serving.popular.recommend(taste, { limit, filter });
  }
  // Each card names the one or two movies that set it apart from the rest.
  const rated = new Set(
    taste.filter((i) => i.type === "rating").map((i) => i.movieId),
  );
  const likedOnly = new Set(
    taste.filter((i) => i.type === "like" && !rated.has(i.movieId))
      .map((i) => i.movieId),
  );
  const reasons = distinctReasons(
    recommendations.map((r) => r.explanation),
    { likedOnly },
  );
  const items = recommendations.map((r, i) => {
    const explanation = reasons[i];
    const because = explanation.because.flatMap((id) => {
      const entry = catalog.get(id);
      return entry ? [{ id, title: entry.title }] : [];
    });
    return {
      movieId: r.movieId,
      score: r.score,
      explanation: {
        kind: explanation.kind,
        because,
        text: explanationText(explanation, because.map((b) => b.title)),
      },
    };
  });
  return { strategy, coldStart: taste.length === 0, items };
}
