/** The contract of a movie embedder (TF-IDF or a sentence-transformer). */
import type { Movie } from "../../core/types.ts";
import type { QueryEmbedding } from "../../store/query_embedding.ts";

/** Turns movies into unit-length vectors of one fixed width. */
export interface Embedder {
  /** Key of its vectors in the embedding store, e.g. "tfidf" or "minilm". */
  readonly model: string;
  /**
   * Changes whenever the same movie would get a different vector (model
   * name, vocabulary statistics); part of every stored text hash.
   */
  readonly fingerprint: string;
  /** Vectors, one per movie, L2-normalised, in the order given. */
  embed(movies: Movie[]): Promise<Float32Array[]>;
  /**
   * What serving needs to embed a search query as this embedder embeds a
   * movie (stored beside the vectors by the embed step).
   */
  queryEmbedding(): QueryEmbedding;
  /** Releases native resources (the ONNX session), if any. */
  dispose(): Promise<void>;
}
