/**
 * The vocabulary of the rating form, shared by the /rate route and the
 * rating widget island: star values, actions, and the state they change.
 */

/** Ratings people can give: 0.5 to 5 in half stars, ascending. */
export const STAR_VALUES: readonly number[] = [
  0.5,
  1,
  1.5,
  2,
  2.5,
  3,
  3.5,
  4,
  4.5,
  5,
];

/** What a rating form can ask for. */
export const RATE_ACTIONS = [
  "rate",
  "remove",
  "like",
  "unlike",
  "dislike",
  "undislike",
  "watch",
  "unwatch",
  "hide",
  "unhide",
] as const;

/** One action of the rating form. */
export type RateAction = typeof RATE_ACTIONS[number];

/** A signed-in user's state for one movie (what POST /rate answers). */
export interface MovieState {
  /** The user's rating, 0.5 to 5, or null. */
  rating: number | null;
  reaction: "like" | "dislike" | null;
  /** On the user's watchlist ("want to watch"). */
  watchlist: boolean;
  /** Marked "not interested": kept out of recommendations. */
  hidden: boolean;
}

/** The state of a movie the user never touched. */
export const NO_STATE: MovieState = {
  rating: null,
  reaction: null,
  watchlist: false,
  hidden: false,
};

/** Which list buttons a rating widget offers. */
export interface ListButtons {
  /** "Want to watch". */
  watchlist?: boolean;
  /** "Not interested". */
  hide?: boolean;
}

/**
 * The action a toggle button posts: its own name when off, the undoing one
 * when on.
 *
 * @example
 * nextAction("like", true); // "unlike"
 * nextAction("watch", false); // "watch"
 */
export function nextAction(
  action: "like" | "dislike" | "watch" | "hide",
  on: boolean,
): RateAction {
  if (!on) return action;
  return `un${action}` as RateAction;
}

/** "4.5 stars", "1 star". */
export function starsLabel(value: number): string {
  return `${value} star${value === 1 ? "" : "s"}`;
}
