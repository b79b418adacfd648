/**
 * The onboarding questionnaire: which movies to ask a new user about next,
 * from the answers so far. Before any answer it asks about the movies most
 * people rated (the likeliest to have been seen); after, it leans towards
 * the movies the liked answers point to — those that people who saw the
 * movies the user rated 4 or more saw too (the served EASE model) — so that
 * each page brings ratings from the user's own corner of the catalogue.
 * Skips only keep a movie from being asked again: steering away from what
 * skipped movies point to made the onboarding protocol's NDCG worse. Pure
 * and cheap: one sparse product per request. The defaults were chosen with
 * tools/probes/onboarding_variants.ts (its README lists what was tried).
 */
import { type ItemItemModel, LIKED_RATING } from "../models/item_item_model.ts";
import { isPositive } from "../models/interaction_matrix.ts";
import type { ProfileWeight } from "../profile.ts";
import { TopK } from "../vectors/top_k.ts";
import type { Interaction } from "../types.ts";

/** How the questionnaire weighs its signals. */
export interface QuestionnaireParams {
  /** Weight of popularity (log rating count, max 1) beside what the answers point to (max 1). */
  popularityWeight: number;
  /** Movies need this many ratings to be asked about. */
  minRatings: number;
  /**
   * Which answers point to further questions: every movie the user saw
   * ("seen": what else they likely saw, the most ratings per page) or only
   * those they rated at least `LIKED_RATING` ("liked": their own corner).
   */
  tasteFrom: "seen" | "liked";
}

/** Defaults, chosen with the evaluation's onboarding protocol (docs/EVALUATION.md). */
export const QUESTIONNAIRE_DEFAULTS: QuestionnaireParams = {
  popularityWeight: 0.5,
  minRatings: 10,
  tasteFrom: "liked",
};

/** What the questionnaire is built from. */
export interface QuestionnaireParts {
  /** How many people rated each movie. */
  ratingCounts: readonly { movieId: number; ratingCount: number }[];
  /** Which movies are seen together (EASE over who rated what); null: popularity only. */
  ease: ItemItemModel | null;
}

/** Options of `Questionnaire.next`. */
export interface NextQuestionsOptions {
  limit: number;
}

/**
 * Picks the next onboarding questions for a history.
 *
 * @example
 * ```ts
 * const questionnaire = new Questionnaire({ ratingCounts, ease });
 * questionnaire.next(history, { limit: 10 }); // movie ids, best question first
 * ```
 */
export class Questionnaire {
  /** Movie ids that may be asked about, most rated first. */
  readonly #candidates: Int32Array;
  /** Popularity of each candidate: log count, max 1. */
  readonly #popularity: Float32Array;
  /** EASE item index of each candidate (−1: not in EASE). */
  readonly #rows: Int32Array;
  readonly #scores: Float32Array;

  constructor(
    readonly parts: QuestionnaireParts,
    readonly params: QuestionnaireParams = QUESTIONNAIRE_DEFAULTS,
  ) {
    const asked = parts.ratingCounts
      .filter((s) => s.ratingCount >= Math.max(1, params.minRatings))
      .sort((a, b) => b.ratingCount - a.ratingCount || a.movieId - b.movieId);
    const most = Math.log1p(asked[0]?.ratingCount ?? 1);
    this.#candidates = Int32Array.from(asked, (s) => s.movieId);
    this.#popularity = Float32Array.from(
      asked,
      (s) => Math.log1p(s.ratingCount) / most,
    );
    this.#rows = Int32Array.from(
      asked,
      (s) => parts.ease?.index.get(s.movieId) ?? -1,
    );
    this.#scores = new Float32Array(parts.ease?.items.length ?? 0);
  }

  /** How many movies may ever be asked about. */
  get size(): number {
    return this.#candidates.length;
  }

  /**
   * Up to `limit` movie ids to ask about next, best first: never a movie
   * the history already holds (rated, skipped, liked, disliked or viewed).
   */
  next(history: Interaction[], options: NextQuestionsOptions): number[] {
    const answered = new Set<number>();
    const seen = new Set<number>();
    for (const i of history) {
      answered.add(i.movieId);
      // a dislike may be of a movie never watched: no sign of taste
      if (i.type !== "skip" && i.type !== "dislike") seen.add(i.movieId);
    }
    const taste = this.#taste(this.#pointing(history, seen), answered);
    const weight = this.params.popularityWeight;
    const heap = new TopK(options.limit);
    for (let c = 0; c < this.#candidates.length; c++) {
      const id = this.#candidates[c];
      if (answered.has(id)) continue;
      const row = this.#rows[c];
      // the candidate index breaks ties: more ratings first
      heap.push(
        c,
        (taste && row >= 0 ? taste[row] : 0) + weight * this.#popularity[c],
      );
    }
    return heap.result().map((s) => this.#candidates[s.movieId]);
  }

  /** The answers that point to further questions (`tasteFrom`). */
  #pointing(history: Interaction[], seen: Set<number>): Set<number> {
    if (this.params.tasteFrom === "seen") return seen;
    const liked = new Set<number>();
    for (const i of history) {
      if (isPositive(i, LIKED_RATING)) liked.add(i.movieId);
    }
    // before any liked answer, what was seen still beats popularity alone
    return liked.size > 0 ? liked : seen;
  }

  /**
   * What the answers point to: EASE scores of the seen movies (weight 1
   * each, as EASE was trained), divided by the best unanswered candidate's;
   * null before any seen movie.
   */
  #taste(seen: Set<number>, answered: Set<number>): Float32Array | null {
    const { ease } = this.parts;
    if (!ease || seen.size === 0) return null;
    const weights: ProfileWeight[] = [...seen].map((movieId) => ({
      movieId,
      weight: 1,
      type: "rating",
    }));
    const scores = this.#scores.fill(0);
    if (ease.scoreInto(weights, scores) === 0) return null;
    let max = 0;
    for (let c = 0; c < this.#rows.length; c++) {
      const row = this.#rows[c];
      if (row >= 0 && scores[row] > max && !answered.has(this.#candidates[c])) {
        max = scores[row];
      }
    }
    if (max <= 0) return null;
    for (let r = 0; r < scores.length; r++) scores[r] /= max;
    return scores;
  }
}
