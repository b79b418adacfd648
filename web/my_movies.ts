/**
 * The signed-in user's own state for every movie they touched, read once per
 * request and shared by the components that show "your rating" on cards.
 */
import type { WebContext } from "./define.ts";
import type { WebApi } from "./web_api.ts";
import { type MovieState, NO_STATE } from "./components/rating_form.ts";

/** One of the user's interactions, as the API lists them. */
export type MyInteraction = Awaited<
  ReturnType<WebApi["interactions"]>
>["items"][number];

/** Folds interactions (newest first) into one state per movie. */
export function movieStates(
  items: MyInteraction[],
): Map<number, MovieState> {
  const states = new Map<number, MovieState>();
  // Oldest first, so that the newest interaction of each type wins.
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    const state = states.get(item.movieId) ?? { ...NO_STATE };
    if (item.type === "rating") state.rating = item.value;
    else if (item.type === "like" || item.type === "dislike") {
      state.reaction = item.type;
    } else if (item.type === "watchlist") state.watchlist = true;
    else if (item.type === "hide") state.hidden = true;
    states.set(item.movieId, state);
  }
  return states;
}

const memo = new WeakMap<WebContext, Promise<Map<number, MovieState>>>();

/**
 * The signed-in user's state per movie (an empty map when signed out), one
 * API call per request however many components ask.
 */
export function myMovies(c: WebContext): Promise<Map<number, MovieState>> {
  const session = c.get("session");
  if (!session) return Promise.resolve(new Map());
  let pending = memo.get(c);
  if (!pending) {
    pending = c.get("api").interactions(session.accessToken).then((r) =>
      movieStates(r.items)
    );
    memo.set(c, pending);
  }
  return pending;
}

/** One movie's state for the signed-in user. */
export async function myMovie(
  c: WebContext,
  movieId: number,
): Promise<MovieState> {
  return (await myMovies(c)).get(movieId) ?? { ...NO_STATE };
}
