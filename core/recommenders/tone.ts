/**
 * A movie's tone, from dark to light, read two ways: from its genres
 * (a few coarse values: most movies of a genre mix share one) and from its
 * content vector, along a direction learned from the catalogue itself (the
 * mean vector of light-genre movies minus that of dark-genre ones). The
 * text's tone separates movies whose genres say the same, so that "lighter"
 * and "darker" still find movies when the genres alone run out.
 * @module
 */
import type { EmbeddingMatrix } from "../types.ts";

/** Genres that lighten a movie's tone, and those that darken it (MovieLens names). */
const LIGHT = new Set([
  "Comedy",
  "Animation",
  "Children",
  "Musical",
  "Romance",
]);
const DARK = new Set([
  "Horror",
  "Thriller",
  "Crime",
  "War",
  "Film-Noir",
  "Mystery",
]);

/**
 * A movie's tone from its genres, from -1 (only dark genres) to 1 (only
 * light ones); 0 for neither or an even mix.
 *
 * @example
 * genreTone(["Comedy", "Romance"]); // 1
 * genreTone(["Crime", "Comedy"]); // 0
 */
export function genreTone(genres: readonly string[]): number {
  let light = 0;
  let dark = 0;
  for (const g of genres) {
    if (LIGHT.has(g)) light++;
    else if (DARK.has(g)) dark++;
  }
  return light + dark === 0 ? 0 : (light - dark) / (light + dark);
}

/**
 * Each movie's tone as its content vector reads it, in standard deviations
 * from the catalogue's mean (positive: lighter): the projection of its
 * vector on the light-minus-dark direction of the movies whose genres lean
 * either way. Empty when the catalogue has no light or no dark movie.
 *
 * @example
 * const tones = textTones(matrix, (id) => catalog.get(id)?.genres);
 * tones.get(1); // 1.7: Toy Story reads light
 */
export function textTones(
  matrix: EmbeddingMatrix,
  genresOf: (movieId: number) => readonly string[] | undefined,
): Map<number, number> {
  const { ids, dim, vectors } = matrix;
  const light = new Float64Array(dim);
  const dark = new Float64Array(dim);
  let lightCount = 0;
  let darkCount = 0;
  for (let row = 0; row < ids.length; row++) {
    const tone = genreTone(genresOf(ids[row]) ?? []);
    if (tone === 0) continue;
    const sum = tone > 0 ? light : dark;
    const offset = row * dim;
    for (let i = 0; i < dim; i++) sum[i] += vectors[offset + i];
    if (tone > 0) lightCount++;
    else darkCount++;
  }
  const tones = new Map<number, number>();
  if (lightCount === 0 || darkCount === 0) return tones;
  const axis = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    axis[i] = light[i] / lightCount - dark[i] / darkCount;
  }
  const projections = new Float64Array(ids.length);
  let mean = 0;
  for (let row = 0; row < ids.length; row++) {
    let dot = 0;
    const offset = row * dim;
    for (let i = 0; i < dim; i++) dot += vectors[offset + i] * axis[i];
    projections[row] = dot;
    mean += dot;
  }
  mean /= ids.length;
  let variance = 0;
  for (const p of projections) variance += (p - mean) ** 2;
  const sd = Math.sqrt(variance / ids.length) || 1;
  for (let row = 0; row < ids.length; row++) {
    tones.set(ids[row], (projections[row] - mean) / sd);
  }
  return tones;
}
