/** User profiles: one vector summarising what a user liked and disliked. */
import type { EmbeddingMatrix, Interaction } from "./types.ts";

/**
 * Weights of non-rating interactions, in "stars above the user's centre":
 * a like counts as much as a rating one star above the centre, a dislike as
 * one star below, a view as a weak positive signal.
 */
export const INTERACTION_WEIGHTS = { like: 1, dislike: -1, view: 0.3 } as const;

/**
 * True for interactions that say something about taste (ratings, likes,
 * dislikes, views); false for list entries ("watchlist", "hide"). Models
 * learn from and explain with taste only: the serving and training paths
 * filter with this before a history reaches a recommender.
 *
 * @example
 * history.filter(isTaste);
 */
export function isTaste(interaction: Pick<Interaction, "type">): boolean {
  return interaction.type !== "watchlist" && interaction.type !== "hide";
}

/** How strongly the user's mean is shrunk towards the middle of the scale. */
const CENTRE_PRIOR_COUNT = 1;
const SCALE_MIDDLE = 3;

export interface ProfileOptions {
  /** Current time in ms; with `halfLifeDays`, older interactions weigh less. */
  now?: number;
  halfLifeDays?: number;
}

/** A movie's signed weight in a user's profile. */
export interface ProfileWeight {
  movieId: number;
  weight: number;
  type: Interaction["type"];
}

/**
 * The signed weight of each movie in a user's history. Ratings are centred on
 * the user's mean (shrunk towards 3 so that a single rating still counts), so
 * ratings below it push the profile away; likes, dislikes and views use
 * `INTERACTION_WEIGHTS`; skips are left out. Several interactions with one
 * movie add up.
 *
 * @example
 * profileWeights([{ userId: "u", movieId: 1, type: "rating", value: 5, timestamp: 0 }]);
 * // [{ movieId: 1, weight: 1, type: "rating" }]  (centre = (5 + 3) / 2 = 4)
 */
export function profileWeights(
  history: Interaction[],
  options: ProfileOptions = {},
): ProfileWeight[] {
  let sum = 0;
  let count = 0;
  for (const i of history) {
    if (i.type === "rating" && i.value !== null) {
      sum += i.value;
      count++;
    }
  }
  const centre = (sum + SCALE_MIDDLE * CENTRE_PRIOR_COUNT) /
    (count + CENTRE_PRIOR_COUNT);
  const byMovie = new Map<number, ProfileWeight>();
  for (const i of history) {
    if (i.type === "skip") continue;
    let weight: number;
    if (i.type === "rating") {
      if (i.value === null) continue;
      weight = i.value - centre;
    } else if (i.type === "watchlist" || i.type === "hide") {
      continue;
    } else {
      weight = INTERACTION_WEIGHTS[i.type];
    }
    if (options.now !== undefined && options.halfLifeDays) {
      const ageDays = Math.max(0, options.now - i.timestamp) / 86_400_000;
      weight *= Math.pow(0.5, ageDays / options.halfLifeDays);
    }
    const existing = byMovie.get(i.movieId);
    if (existing) {
      existing.weight += weight;
      // the strongest signal names the movie's role in explanations
      if (i.type === "rating") existing.type = "rating";
    } else byMovie.set(i.movieId, { movieId: i.movieId, weight, type: i.type });
  }
  return [...byMovie.values()];
}

/**
 * The user's profile vector: the weighted sum of the embeddings of the movies
 * in `weights`, normalised. Returns null when nothing in the history has an
 * embedding or the weights cancel out (an empty profile).
 */
export function userProfile(
  weights: ProfileWeight[],
  embeddings: { matrix: EmbeddingMatrix; index: Map<number, number> },
): Float32Array | null {
  const { matrix, index } = embeddings;
  const { dim, vectors } = matrix;
  const profile = new Float32Array(dim);
  let used = 0;
  for (const { movieId, weight } of weights) {
    const row = index.get(movieId);
    if (row === undefined || weight === 0) continue;
    const offset = row * dim;
    for (let d = 0; d < dim; d++) profile[d] += weight * vectors[offset + d];
    used++;
  }
  if (used === 0) return null;
  let n = 0;
  for (let d = 0; d < dim; d++) n += profile[d] * profile[d];
  if (n === 0) return null;
  n = Math.sqrt(n);
  for (let d = 0; d < dim; d++) profile[d] /= n;
  return profile;
}
