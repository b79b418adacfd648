/**
 * The genres MovieLens uses, spelled as its CSV releases spell them.
 */

/**
 * The genres of the classic releases, in ml-100k's `u.genre` order
 * (alphabetical; it files "Children's" where the CSV releases say "Children").
 */
export const CLASSIC_GENRES = [
  "Action",
  "Adventure",
  "Animation",
  "Children",
  "Comedy",
  "Crime",
  "Documentary",
  "Drama",
  "Fantasy",
  "Film-Noir",
  "Horror",
  "Musical",
  "Mystery",
  "Romance",
  "Sci-Fi",
  "Thriller",
  "War",
  "Western",
] as const;

/** What movies.csv says for a movie without genres. */
export const NO_GENRES_LISTED = "(no genres listed)";
