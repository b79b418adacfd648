/** The one text per movie that embedders read, and its hash. */
import { createHash } from "node:crypto";
import type { Movie } from "../core/types.ts";

/** Tags beyond this many add noise rather than meaning. */
const MAX_TAGS = 20;

/**
 * The text describing a movie: title, year, genres and its most frequent
 * tags, as a sentence so that sentence-embedding models read it naturally.
 *
 * @example
 * movieText(toyStory); // "Toy Story (1995). Genres: Adventure, Animation. Tags: pixar."
 */
export function movieText(movie: Movie): string {
  const parts = [
    movie.year === null ? movie.title : `${movie.title} (${movie.year})`,
  ];
  if (movie.genres.length) parts.push(`Genres: ${movie.genres.join(", ")}`);
  if (movie.tags.length) {
    parts.push(`Tags: ${movie.tags.slice(0, MAX_TAGS).join(", ")}`);
  }
  return `${parts.join(". ")}.`;
}

/**
 * Hash of a text as one embedder sees it: the same text under another model
 * (or other TF-IDF statistics) hashes differently, so it is embedded again.
 */
export function textHash(embedderFingerprint: string, text: string): string {
  return createHash("sha256").update(embedderFingerprint).update("\0")
    .update(text).digest("hex").slice(0, 32);
}
