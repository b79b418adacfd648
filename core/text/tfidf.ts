/**
 * TF-IDF over a movie's title words, genres, tags and decade, folded into a
 * dense vector by signed feature hashing. The vocabulary (document
 * frequencies and settings) is fitted once on every movie by the pipeline
 * and stored, so that serving embeds a search query exactly as the pipeline
 * embedded the movies.
 */
import type { Movie } from "../types.ts";
import { normalizeInPlace } from "../vectors/vector.ts";

/** The kinds of feature a movie is described by. */
export type FeatureKind = "title" | "genre" | "tag" | "decade";

/** Weight of each kind of feature: title words, genres, tags, decade. */
export const DEFAULT_WEIGHTS: Record<FeatureKind, number> = {
  title: 0.6,
  genre: 1,
  tag: 1,
  decade: 0.3,
};

/** Everything a TF-IDF vector depends on besides the movie itself. */
export interface TfidfVocabulary {
  /** Vector width. */
  dim: number;
  /** Hash seed: another seed gives another (equally good) projection. */
  seed: number;
  /** Relative weight of each kind of feature. */
  weights: Record<FeatureKind, number>;
  /** Movies the frequencies were counted over. */
  documents: number;
  /** Feature ("genre:comedy") → number of movies that have it. */
  documentFrequency: Map<string, number>;
}

/** Options of `fitVocabulary`. */
export interface FitVocabularyOptions {
  /** Default 256. */
  dim?: number;
  /** Default 42. */
  seed?: number;
  /** Default `DEFAULT_WEIGHTS`. */
  weights?: Partial<Record<FeatureKind, number>>;
}

const STOP_WORDS = new Set(
  "a an and as at by de del der di du el en for from in is it la le les los of on or the to with"
    .split(" "),
);

/**
 * Lower-cased words without accents, stop words or single letters.
 *
 * @example
 * words("Amélie & the Café"); // ["amelie", "cafe"]
 */
export function words(text: string): string[] {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

/** The decade a year falls in, as a feature name: 1994 → "decade:1990". */
export function decadeFeature(year: number): string {
  return `decade:${Math.floor(year / 10) * 10}`;
}

/**
 * Feature counts of one movie, named `<kind>:<value>` ("genre:comedy").
 *
 * @example
 * movieFeatures(toyStory).has("tag:pixar"); // true
 */
export function movieFeatures(
  movie: Pick<Movie, "title" | "genres" | "tags" | "year">,
): Map<string, number> {
  const features = new Map<string, number>();
  const add = (feature: string) =>
    features.set(feature, (features.get(feature) ?? 0) + 1);
  for (const w of words(movie.title)) add(`title:${w}`);
  for (const g of movie.genres) add(`genre:${g.toLowerCase()}`);
  for (const tag of movie.tags) {
    add(`tag:${tag}`);
    // Single tag words too: "space marines" meets "space opera".
    for (const w of words(tag)) if (w !== tag) add(`tag:${w}`);
  }
  if (movie.year !== null) add(decadeFeature(movie.year));
  return features;
}

/** The kind of a feature name: "genre:comedy" → "genre". */
export function featureKind(feature: string): FeatureKind {
  return feature.slice(0, feature.indexOf(":")) as FeatureKind;
}

/**
 * Document frequencies of every feature over `corpus` (every movie, also
 * when embedding a shard, so that shards agree).
 *
 * @example
 * const vocabulary = fitVocabulary(movies, { dim: 256 });
 */
export function fitVocabulary(
  corpus: readonly Movie[],
  options: FitVocabularyOptions = {},
): TfidfVocabulary {
  const documentFrequency = new Map<string, number>();
  for (const movie of corpus) {
    for (const feature of movieFeatures(movie).keys()) {
      documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    }
  }
  return {
    dim: options.dim ?? 256,
    seed: options.seed ?? 42,
    weights: { ...DEFAULT_WEIGHTS, ...options.weights },
    documents: corpus.length,
    documentFrequency,
  };
}

/** FNV-1a over UTF-16 code units, seeded: fast, stable across runs. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche so that nearby strings spread over all bits
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Inverse document frequency of a feature (smoothed; unknown features get the largest). */
export function inverseDocumentFrequency(
  vocabulary: TfidfVocabulary,
  feature: string,
): number {
  const df = vocabulary.documentFrequency.get(feature) ?? 0;
  return Math.log((1 + vocabulary.documents) / (1 + df)) + 1;
}

/**
 * The TF-IDF weight of each feature of a bag (a movie's, or a query's):
 * each kind is normalised on its own, then weighted, so that a movie with
 * forty tags is not described by its tags alone. Not yet unit length.
 *
 * @example
 * tfidfWeights(vocabulary, movieFeatures(toyStory)).get("tag:pixar");
 */
export function tfidfWeights(
  vocabulary: TfidfVocabulary,
  features: ReadonlyMap<string, number>,
): Map<string, number> {
  const groups = new Map<FeatureKind, [string, number][]>();
  for (const [feature, count] of features) {
    const kind = featureKind(feature);
    const group = groups.get(kind) ?? [];
    group.push([
      feature,
      (1 + Math.log(count)) * inverseDocumentFrequency(vocabulary, feature),
    ]);
    groups.set(kind, group);
  }
  const weights = new Map<string, number>();
  for (const [kind, group] of groups) {
    const length = Math.hypot(...group.map(([, w]) => w));
    const scale = (vocabulary.weights[kind] ?? 0) / length;
    for (const [feature, weight] of group) weights.set(feature, weight * scale);
  }
  return weights;
}

/**
 * The weights of a search query's features: inverse document frequency
 * times the kind's weight, without the per-kind normalisation movies get,
 * so that a rare, telling word ("dark comedy") outweighs a common one
 * ("comedy") whatever kinds they are.
 *
 * @example
 * queryWeights(vocabulary, new Map([["tag:heist", 1], ["genre:comedy", 1]]));
 */
export function queryWeights(
  vocabulary: TfidfVocabulary,
  features: ReadonlyMap<string, number>,
): Map<string, number> {
  const weights = new Map<string, number>();
  for (const feature of features.keys()) {
    const kind = featureKind(feature);
    weights.set(
      feature,
      inverseDocumentFrequency(vocabulary, feature) *
        (vocabulary.weights[kind] ?? 0),
    );
  }
  return weights;
}

/**
 * Feature weights folded into a unit-length vector of `vocabulary.dim`
 * dimensions by signed feature hashing; all zeros when there are none.
 *
 * @example
 * const vector = hashedVector(vocabulary, tfidfWeights(vocabulary, features));
 */
export function hashedVector(
  vocabulary: TfidfVocabulary,
  weights: ReadonlyMap<string, number>,
): Float32Array {
  const { dim, seed } = vocabulary;
  const vector = new Float32Array(dim);
  for (const [feature, weight] of weights) {
    const h = hash32(feature, seed);
    // The sign bit makes collisions cancel out on average instead of adding up.
    vector[h % dim] += (h & 0x80000000) ? -weight : weight;
  }
  return normalizeInPlace(vector);
}

/**
 * The unit-length vector of a movie's features: `tfidfWeights` hashed.
 *
 * @example
 * const vector = tfidfVector(vocabulary, movieFeatures(movie));
 */
export function tfidfVector(
  vocabulary: TfidfVocabulary,
  features: ReadonlyMap<string, number>,
): Float32Array {
  return hashedVector(vocabulary, tfidfWeights(vocabulary, features));
}

/**
 * Cosine similarity of two sets of feature weights, without hashing (so
 * without collisions): 0 when they share no feature.
 *
 * @example
 * sparseCosine(queryWeights(vocabulary, query), tfidfWeights(vocabulary, movieFeatures(movie)));
 */
export function sparseCosine(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
): number {
  let dot = 0;
  for (const [feature, weight] of a) dot += weight * (b.get(feature) ?? 0);
  if (dot === 0) return 0;
  const length = (w: ReadonlyMap<string, number>) =>
    Math.sqrt([...w.values()].reduce((sum, x) => sum + x * x, 0));
  return dot / (length(a) * length(b));
}
