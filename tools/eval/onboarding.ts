/**
 * The onboarding protocol: a seeded fifth of the users are held out of
 * training entirely; each held-out user's ratings are split once, at
 * random, into a half that answers questions and a half that is the test
 * set. The simulated user answers each page of questions truthfully from
 * the first half — a rating when they rated the movie, else a skip
 * ("haven't seen it") — until they have given 10 ratings or seen 10 pages;
 * then a recommender ranks for them from those answers.
 */
import { seededRandom, shuffleInPlace } from "../../core/training/split.ts";
import type { Interaction } from "../../core/types.ts";

/** One held-out user. */
export interface OnboardingUser {
  userId: string;
  /** The half that answers questions, by movie id. */
  answers: Map<number, Interaction>;
  /** The answering half in the order the user rated it. */
  answersInTime: Interaction[];
  /** The half that is the test set. */
  test: Interaction[];
}

/** Training ratings and the held-out users. */
export interface OnboardingSplit {
  train: Interaction[];
  users: OnboardingUser[];
}

/** Options of `onboardingSplit`. */
export interface OnboardingSplitOptions {
  seed: number;
  /** Share of the users held out (default 0.2). */
  userFraction?: number;
}

/**
 * Holds out a seeded `userFraction` of the users (those with at least two
 * ratings, so that both halves are non-empty) and splits each one's
 * ratings at random into answers and test.
 *
 * @example
 * ```ts
 * const { train, users } = onboardingSplit(ratings, { seed: 42 });
 * ```
 */
export function onboardingSplit(
  ratings: Interaction[],
  options: OnboardingSplitOptions,
): OnboardingSplit {
  const fraction = options.userFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected userFraction in (0, 1), found ${fraction}`);
  }
  const byUser = new Map<string, Interaction[]>();
  for (const r of ratings) {
    if (r.type !== "rating") continue;
    let rows = byUser.get(r.userId);
    if (!rows) byUser.set(r.userId, rows = []);
    rows.push(r);
  }
  // Sorted first so that the users and halves do not depend on input order.
  const eligible = [...byUser.keys()].filter((u) => byUser.get(u)!.length >= 2)
    .sort();
  const random = seededRandom(options.seed);
  shuffleInPlace(eligible, random);
  const held = new Set(
    eligible.slice(0, Math.round(eligible.length * fraction)),
  );
  const train = ratings.filter((r) => !held.has(r.userId));
  const users = [...held].sort().map((userId) => {
    const rows = [...byUser.get(userId)!].sort((a, b) => a.movieId - b.movieId);
    shuffleInPlace(rows, random);
    const testSize = Math.floor(rows.length / 2);
    const answering = rows.slice(testSize);
    return {
      userId,
      answers: new Map(answering.map((r) => [r.movieId, r])),
      answersInTime: [...answering].sort((a, b) =>
        a.timestamp - b.timestamp || a.movieId - b.movieId
      ),
      test: rows.slice(0, testSize),
    };
  });
  return { train, users };
}

/** Picks the next page of questions from the answers so far. */
export type AskNext = (history: Interaction[], limit: number) => number[];

/** Options of `simulateOnboarding`. */
export interface SimulationOptions {
  /** When the answers are given, in ms: the serving time. */
  now: number;
  /** Movies per page (default 10). */
  pageSize?: number;
  /** Pages at most (default 10). */
  maxPages?: number;
  /** The user stops after the page that brings this many ratings (default 10). */
  ratings?: number;
}

/** What one simulated onboarding produced. */
export interface OnboardingRun {
  /** The answers in the order given: ratings and skips. */
  history: Interaction[];
  /** Movies shown: the user's effort. */
  shown: number;
  pages: number;
  rated: number;
}

/**
 * Plays one user through the questionnaire `ask`: each page is answered in
 * full, with a rating for a movie of the answering half and a skip for
 * any other, stamped at `now` in answer order.
 *
 * @example
 * ```ts
 * const run = simulateOnboarding(user, (h, n) => questionnaire.next(h, { limit: n }), { now });
 * ```
 */
export function simulateOnboarding(
  user: OnboardingUser,
  ask: AskNext,
  options: SimulationOptions,
): OnboardingRun {
  const pageSize = options.pageSize ?? 10;
  const maxPages = options.maxPages ?? 10;
  const wanted = options.ratings ?? 10;
  const history: Interaction[] = [];
  let rated = 0;
  let pages = 0;
  while (pages < maxPages && rated < wanted) {
    const page = ask(history, pageSize);
    if (page.length === 0) break;
    pages++;
    for (const movieId of page) {
      const answer = user.answers.get(movieId);
      history.push({
        userId: user.userId,
        movieId,
        type: answer ? "rating" : "skip",
        value: answer ? answer.value : null,
        timestamp: options.now + history.length,
      });
      if (answer) rated++;
    }
  }
  return { history, shown: history.length, pages, rated };
}

/**
 * The user's own first `count` ratings of the answering half, in time
 * order, stamped at `now` (as if given at sign-up): onboarding without
 * questions.
 */
export function firstRatings(
  user: OnboardingUser,
  count: number,
  now: number,
): Interaction[] {
  return user.answersInTime.slice(0, count).map((r, i) => ({
    ...r,
    timestamp: now + i,
  }));
}
