/**
 * TF-IDF embedder: title words, genres, tags and decade, weighted by TF-IDF
 * and folded into a dense vector by signed feature hashing. Needs no model
 * files, so the project runs offline and in tests.
 */
import { createHash } from "node:crypto";
import type { Movie } from "../../core/types.ts";
import { normalizeInPlace } from "../../core/vectors/vector.ts";
import type { Embedder } from "./embedder.ts";

/** Options for `tfidfEmbedder`. */
export interface TfidfOptions {
  /** Vector width (default 256). */
  dim?: number;
  /** Hash seed: another seed gives another (equally good) projection. */
  seed?: number;
  /** Relative weight of each kind of feature (default `DEFAULT_WEIGHTS`). */
  weights?: Partial<Record<FeatureKind, number>>;
}

/** The kinds of feature a movie is described by. */
export type FeatureKind = "title" | "genre" | "tag" | "decade";

const STOP_WORDS = new Set(
  "a an and as at by de del der di du el en for from in is it la le les los of on or the to with"
    .split(" "),
);

/** Weight of each kind of feature: title words, genres, tags, decade. */
export const DEFAULT_WEIGHTS: Record<FeatureKind, number> = {
  title: 0.6,
  genre: 1,
  tag: 1,
  decade: 0.3,
};

/** Lower-cased words without accents, stop words or single letters. */
function words(text: string): string[] {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

/** Feature counts of one movie, named `<kind>:<value>` ("genre:comedy"). */
export function movieFeatures(movie: Movie): Map<string, number> {
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
  if (movie.year !== null) {
    add(`decade:${Math.floor(movie.year / 10) * 10}`);
  }
  return features;
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

/**
 * A TF-IDF embedder fitted on `corpus` (document frequencies come from every
 * movie, so a shard embeds exactly what a full run would).
 *
 * @example
 * const embedder = tfidfEmbedder(movies, { dim: 256 });
 * const [vector] = await embedder.embed([movies[0]]);
 */
export function tfidfEmbedder(
  corpus: Movie[],
  options: TfidfOptions = {},
): Embedder {
  const dim = options.dim ?? 256;
  const seed = options.seed ?? 42;
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const documentFrequency = new Map<string, number>();
  for (const movie of corpus) {
    for (const feature of movieFeatures(movie).keys()) {
      documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    }
  }
  const n = corpus.length;
  const statistics = createHash("sha256");
  for (const [feature, df] of [...documentFrequency].sort()) {
    statistics.update(`${feature}\t${df}\n`);
  }
  const fingerprint = `tfidf-v2/dim=${dim}/seed=${seed}/w=${
    JSON.stringify(weights)
  }/n=${n}/${statistics.digest("hex").slice(0, 16)}`;

  const embedOne = (movie: Movie): Float32Array => {
    // Each kind is normalised on its own, then weighted, so that a movie
    // with forty tags is not described by its tags alone.
    const groups = new Map<string, [string, number][]>();
    for (const [feature, count] of movieFeatures(movie)) {
      const df = documentFrequency.get(feature) ?? 0;
      const idf = Math.log((1 + n) / (1 + df)) + 1;
      const kind = feature.slice(0, feature.indexOf(":"));
      const group = groups.get(kind) ?? [];
      group.push([feature, (1 + Math.log(count)) * idf]);
      groups.set(kind, group);
    }
    const vector = new Float32Array(dim);
    for (const [kind, group] of groups) {
      const length = Math.hypot(...group.map(([, w]) => w));
      const scale = weights[kind as FeatureKind] / length;
      for (const [feature, weight] of group) {
        const h = hash32(feature, seed);
        // The sign bit makes collisions cancel out on average instead of adding up.
        vector[h % dim] += (h & 0x80000000) ? -weight * scale : weight * scale;
      }
    }
    return normalizeInPlace(vector);
  };

  return {
    model: "tfidf",
    fingerprint,
    embed: (movies) => Promise.resolve(movies.map(embedOne)),
    dispose: () => Promise.resolve(),
  };
}
