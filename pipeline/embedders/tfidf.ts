/**
 * TF-IDF embedder (core/text/tfidf.ts): needs no model files, so the
 * project runs offline and in tests. Its vocabulary is stored with the
 * vectors, so that serving embeds search queries the same way.
 */
import { createHash } from "node:crypto";
import type { Movie } from "../../core/types.ts";
import {
  type FeatureKind,
  fitVocabulary,
  movieFeatures,
  tfidfVector,
  type TfidfVocabulary,
} from "../../core/text/tfidf.ts";
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

/** A TF-IDF embedder, with the vocabulary it was fitted with. */
export interface TfidfEmbedder extends Embedder {
  readonly vocabulary: TfidfVocabulary;
}

/**
 * Changes whenever the same movie would get another vector: settings and
 * every document frequency.
 */
function vocabularyFingerprint(vocabulary: TfidfVocabulary): string {
  const statistics = createHash("sha256");
  for (const [feature, df] of [...vocabulary.documentFrequency].sort()) {
    statistics.update(`${feature}\t${df}\n`);
  }
  const { dim, seed, weights, documents } = vocabulary;
  return `tfidf-v2/dim=${dim}/seed=${seed}/w=${
    JSON.stringify(weights)
  }/n=${documents}/${statistics.digest("hex").slice(0, 16)}`;
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
): TfidfEmbedder {
  const vocabulary = fitVocabulary(corpus, options);
  return {
    model: "tfidf",
    fingerprint: vocabularyFingerprint(vocabulary),
    vocabulary,
    queryEmbedding: () => ({ model: "tfidf", vocabulary }),
    embed: (movies) =>
      Promise.resolve(
        movies.map((movie) => tfidfVector(vocabulary, movieFeatures(movie))),
      ),
    dispose: () => Promise.resolve(),
  };
}
