/**
 * POST /rate: the rating widget's form. Without JavaScript the browser posts
 * the form and is redirected back to `next`; the island posts the same form
 * with `Accept: application/json` and gets the new state.
 */
import { defineRoute, safeNext } from "../define.ts";
import type { WebApi } from "../web_api.ts";
import {
  type MovieState,
  RATE_ACTIONS,
  type RateAction,
} from "../components/rating_form.ts";
import { myMovie } from "../my_movies.ts";
import { setFlash } from "../flash.ts";
import { errorPage } from "./_500.tsx";

async function apply(
  api: WebApi,
  token: string,
  movieId: number,
  action: RateAction,
  value: number,
): Promise<void> {
  switch (action) {
    case "rate":
      await api.interact(token, movieId, "rating", value);
      return;
    case "remove":
      return api.removeInteraction(token, movieId, "rating");
    case "like":
    case "dislike":
      // The API removes the opposite reaction itself.
      await api.interact(token, movieId, action);
      return;
    case "unlike":
      return api.removeInteraction(token, movieId, "like");
    case "undislike":
      return api.removeInteraction(token, movieId, "dislike");
    case "watch":
    case "hide":
      // The API takes the movie off the other list itself.
      await api.interact(
        token,
        movieId,
        action === "watch" ? "watchlist" : "hide",
      );
      return;
    case "unwatch":
      return api.removeInteraction(token, movieId, "watchlist");
    case "unhide":
      return api.removeInteraction(token, movieId, "hide");
  }
}

/** A checked rating form. */
export interface RateForm {
  movieId: number;
  action: RateAction;
  value: number;
  /** The movie's title, for messages (from the form; display only). */
  title: string;
}

/** Reads and checks the form; returns a message when it is invalid. */
export function parseRateForm(
  form: Record<string, unknown>,
): RateForm | string {
  const movieId = Number(form.movieId);
  if (!Number.isInteger(movieId) || movieId < 1) {
    return `Expected a movie id, found "${form.movieId ?? ""}"`;
  }
  const action = RATE_ACTIONS.find((a) => a === (form.action ?? "rate"));
  if (!action) {
    return `Expected an action (${
      RATE_ACTIONS.join(", ")
    }), found "${form.action}"`;
  }
  const value = Number(form.value);
  if (
    action === "rate" &&
    (!(value >= 0.5 && value <= 5) || !Number.isInteger(value * 2))
  ) {
    return form.value === undefined
      ? "Pick a number of stars before saving."
      : `Cannot accept rating "${form.value}": expected 0.5 to 5 in steps of 0.5`;
  }
  const title = typeof form.title === "string" ? form.title.slice(0, 200) : "";
  return { movieId, action, value, title };
}

export const handler = defineRoute({
  async POST(c) {
    const wantsJson = (c.req.header("accept") ?? "").includes(
      "application/json",
    );
    const form = await c.req.parseBody();
    const next = safeNext(form.next, "/my-ratings");
    const session = c.get("session");
    if (!session) {
      return wantsJson
        ? c.json({ title: "Unauthorized", detail: "Please log in" }, 401)
        : c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    }
    const parsed = parseRateForm(form);
    if (typeof parsed === "string") {
      return wantsJson
        ? c.json({ title: "Bad request", detail: parsed }, 400)
        : errorPage(c, 400, parsed, { href: next, label: "Go back" });
    }
    const api = c.get("api");
    const before = parsed.action === "remove"
      ? await myMovie(c, parsed.movieId)
      : null;
    await apply(
      api,
      session.accessToken,
      parsed.movieId,
      parsed.action,
      parsed.value,
    );
    if (!wantsJson) {
      if (before?.rating != null) {
        setFlash(c, {
          kind: "rating-removed",
          movieId: parsed.movieId,
          title: parsed.title,
          value: before.rating,
        });
      }
      return c.redirect(next, 303);
    }
    const state: MovieState = before
      ? { ...before, rating: null }
      : await myMovie(c, parsed.movieId);
    return c.json(state);
  },
});
