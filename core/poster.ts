/**
 * TMDB poster images: which file paths are accepted and the image URLs
 * built from them. A poster path comes from TMDB's API and ends up in an
 * `<img src>`, so only TMDB's own shape (`/` then a file name) is kept.
 * @module
 */

/** The one host poster images are loaded from (the web's CSP allows exactly it). */
export const TMDB_IMAGE_ORIGIN = "https://image.tmdb.org";

/** TMDB's poster widths in pixels (its `w92` … `w780` sizes), narrowest first. */
export const POSTER_WIDTHS = [92, 154, 185, 342, 500, 780] as const;

/** Posters are 2:3; height of a poster shown `width` pixels wide. */
export function posterHeight(width: number): number {
  return Math.round(width * 1.5);
}

const POSTER_PATH = /^\/[A-Za-z0-9_-]{1,64}\.(?:jpg|jpeg|png|webp)$/;

/**
 * True for a path TMDB gives for an image, e.g. "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg".
 *
 * @example
 * isPosterPath("/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg"); // true
 * isPosterPath("//evil.example/x.jpg"); // false
 */
export function isPosterPath(path: unknown): path is string {
  return typeof path === "string" && POSTER_PATH.test(path);
}

/**
 * The URL of `posterPath` at one of TMDB's widths.
 *
 * @example
 * posterUrl("/abc.jpg", 342); // "https://image.tmdb.org/t/p/w342/abc.jpg"
 */
export function posterUrl(
  posterPath: string,
  width: typeof POSTER_WIDTHS[number],
): string {
  return `${TMDB_IMAGE_ORIGIN}/t/p/w${width}${posterPath}`;
}

/**
 * A `srcset` over every TMDB width, so the browser picks by screen density.
 *
 * @example
 * posterSrcset("/abc.jpg"); // "https://image.tmdb.org/t/p/w92/abc.jpg 92w, …, …/w780/abc.jpg 780w"
 */
export function posterSrcset(posterPath: string): string {
  return POSTER_WIDTHS.map((w) => `${posterUrl(posterPath, w)} ${w}w`).join(
    ", ",
  );
}
