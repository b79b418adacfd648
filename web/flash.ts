/**
 * One-shot messages across a redirect (post → redirect → get): a short-lived
 * HTTP-only cookie set by a form post and shown once by the next page. Used
 * to offer "Undo" after a rating is removed without JavaScript.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** Name of the flash cookie. */
export const FLASH_COOKIE = "ml_flash";

/** What a flash can say. */
export type Flash = {
  kind: "rating-removed";
  movieId: number;
  title: string;
  /** The rating that was removed, for Undo. */
  value: number;
};

/** Sets the flash the next page shows. */
export function setFlash(c: Context, flash: Flash): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify(flash)), {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: 60,
  });
}

function parseFlash(text: string): Flash | null {
  try {
    const value = JSON.parse(decodeURIComponent(text));
    if (
      value?.kind === "rating-removed" && Number.isInteger(value.movieId) &&
      typeof value.title === "string" && typeof value.value === "number"
    ) {
      return {
        kind: value.kind,
        movieId: value.movieId,
        title: value.title.slice(0, 200),
        value: value.value,
      };
    }
  } catch {
    // A cookie we did not write (or a truncated one) is ignored.
  }
  return null;
}

/** Reads and clears the flash (it is shown once). */
export function takeFlash(c: Context): Flash | null {
  const text = getCookie(c, FLASH_COOKIE);
  if (text === undefined) return null;
  deleteCookie(c, FLASH_COOKIE, { path: "/" });
  return parseFlash(text);
}
