/**
 * POST /rate: the rating widget's form. Without JavaScript the browser posts
 * the form and is redirected back to `next`; the island posts the same form
 * with `Accept: application/json` and gets the new state.
 */
import { defineRoute, safeNext } from "../define.ts";
import type { WebApi } from "../web_api.ts";
import type { RateResult } from "../islands/rating_widget.tsx";
import { errorPage } from "./_500.tsx";

const ACTIONS = [
  "rate",
  "remove",
  "like",
  "unlike",
  "dislike",
  "undislike",
] as const;
type Action = typeof ACTIONS[number];

/** The user's rating and like/dislike of one movie. */
export async function myState(
  api: WebApi,
  token: string,
  movieId: number,
): Promise<RateResult> {
  const { items } = await api.interactions(token);
  const mine = items.filter((i) => i.movieId === movieId);
  const rating = mine.find((i) => i.type === "rating")?.value ?? null;
  const reaction = mine.find((i) => i.type === "like")
    ? "like"
    : mine.find((i) => i.type === "dislike")
    ? "dislike"
    : null;
  return { rating, reaction };
}

async function apply(
  api: WebApi,
  token: string,
  movieId: number,
  action: Action,
  value: number,
): Promise<void> {
  switch (action) {
    case "rate":
      await api.interact(token, movieId, "rating", value);
      return;
    case "remove":
      return api.removeInteraction(token, movieId, "rating");
    case "like":
    case "dislike": {
      // Like and dislike exclude each other.
      const other = action === "like" ? "dislike" : "like";
      await api.removeInteraction(token, movieId, other);
      await api.interact(token, movieId, action);
      return;
    }
    case "unlike":
      return api.removeInteraction(token, movieId, "like");
    case "undislike":
      return api.removeInteraction(token, movieId, "dislike");
  }
}

/** Reads and checks the form; returns a message when it is invalid. */
export function parseRateForm(
  form: Record<string, unknown>,
): { movieId: number; action: Action; value: number } | string {
  const movieId = Number(form.movieId);
  if (!Number.isInteger(movieId) || movieId < 1) {
    return `Expected a movie id, found "${form.movieId ?? ""}"`;
  }
  const action = ACTIONS.find((a) => a === (form.action ?? "rate"));
  if (!action) {
    return `Expected an action (${ACTIONS.join(", ")}), found "${form.action}"`;
  }
  const value = Number(form.value);
  if (
    action === "rate" &&
    (!(value >= 0.5 && value <= 5) || !Number.isInteger(value * 2))
  ) {
    return form.value === undefined
      ? "Pick a number of stars before saving"
      : `Cannot accept rating "${form.value}": expected 0.5 to 5 in steps of 0.5`;
  }
  return { movieId, action, value };
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
        : errorPage(c, 400, parsed);
    }
    const api = c.get("api");
    await apply(
      api,
      session.accessToken,
      parsed.movieId,
      parsed.action,
      parsed.value,
    );
    if (!wantsJson) return c.redirect(next, 303);
    return c.json(await myState(api, session.accessToken, parsed.movieId));
  },
});
