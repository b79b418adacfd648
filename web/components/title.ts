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
