/** Display forms of MovieLens titles. */

const ARTICLE = /^(.+?), (The|A|An)( \(.*\))?$/;

/**
 * MovieLens files titles library-style ("Usual Suspects, The"); people read
 * "The Usual Suspects".
 *
 * @example
 * displayTitle("Usual Suspects, The"); // "The Usual Suspects"
 * displayTitle("City of Lost Children, The (Cité des enfants perdus, La)");
 * // "The City of Lost Children (Cité des enfants perdus, La)"
 */
export function displayTitle(title: string): string {
  const match = ARTICLE.exec(title);
  return match ? `${match[2]} ${match[1]}${match[3] ?? ""}` : title;
}

/**
 * The title as a library files it, for A–Z order: MovieLens titles already
 * put the article last ("Matrix, The"), so this folds case and accents.
 *
 * @example
 * sortTitle("Matrix, The"); // "matrix, the"
 */
export function sortTitle(title: string): string {
  return title.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}
