/**
 * Simulated onboarding, for the evaluation's onboarding protocol and for
 * tuning what people who just answered the questionnaire are served
 * (core/training/short_history.ts): a seeded fifth of the users are held out of
 * training entirely; each held-out user's ratings are split once, at
 * random, into a half that answers questions and a half that is the test
 * set. The simulated user answers each page of questions truthfully from
 * the first half — a rating when they rated the movie, else a skip
 * ("haven't seen it") — until they have given 10 ratings or seen 10 pages;
 * then a recommender ranks for them from those answers.
 */
import {
  asColumns,
  interactionAt,
  type InteractionColumns,
  isInteractionColumns,
  RowList,
  rowsByUser,
  selectRows,
  TYPE_CODE,
} from "../models/interaction_columns.ts";
import { seededRandom, shuffleInPlace } from "../training/split.ts";
import type { Interaction } from "../types.ts";

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

/** Training ratings (objects or columns, as given) and the held-out users. */
export interface OnboardingSplit<T = Interaction[]> {
  train: T;
  users: OnboardingUser[];
}

/** Options of `onboardingSplit`. */
export interface OnboardingSplitOptions {
  seed: number;
  /** Share of the users held out (default 0.2). */
  userFraction?: number;
  /**
   * At most this many held-out users are returned, a seeded sample (default:
   * all); the others stay out of training all the same. At scale only they
   * become objects.
   */
  maxUsers?: number;
}

/**
 * Holds out a seeded `userFraction` of the users (those with at least two
 * ratings, so that both halves are non-empty) and splits each one's
 * ratings at random into answers and test. Takes interaction objects (the
 * evaluation) or columns (training at scale) and gives `train` back in the
 * same kind.
 *
 * @example
 * ```ts
 * const { train, users } = onboardingSplit(ratings, { seed: 42 });
 * ```
 */
export function onboardingSplit(
  ratings: Interaction[],
  options: OnboardingSplitOptions,
): OnboardingSplit;
export function onboardingSplit(
  ratings: InteractionColumns,
  options: OnboardingSplitOptions,
): OnboardingSplit<InteractionColumns>;
export function onboardingSplit(
  ratings: Interaction[] | InteractionColumns,
  options: OnboardingSplitOptions,
): OnboardingSplit<Interaction[] | InteractionColumns>;
export function onboardingSplit(
  ratings: Interaction[] | InteractionColumns,
  options: OnboardingSplitOptions,
): OnboardingSplit<Interaction[] | InteractionColumns> {
  const fraction = options.userFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected userFraction in (0, 1), found ${fraction}`);
  }
  const columns = asColumns(ratings);
  const objects = isInteractionColumns(ratings) ? null : ratings;
  const at = (i: number) => objects ? objects[i] : interactionAt(columns, i);
  const { offsets, rows } = rowsByUser(columns);
  const ratingRows = (u: number) =>
    rows.subarray(offsets[u], offsets[u + 1]).filter((i) =>
      columns.types[i] === TYPE_CODE.rating
    );
  const index = new Map(columns.userIds.map((id, u) => [id, u]));
  // Sorted first so that the users and halves do not depend on input order.
  const eligible = columns.userIds.filter((_, u) => ratingRows(u).length >= 2)
    .sort();
  const random = seededRandom(options.seed);
  shuffleInPlace(eligible, random);
  const heldOut = eligible.slice(0, Math.round(eligible.length * fraction));
  const held = new Uint8Array(columns.userIds.length);
  for (const id of heldOut) held[index.get(id)!] = 1;
  const trainRows = new RowList();
  for (let i = 0; i < columns.size; i++) {
    if (!held[columns.users[i]]) trainRows.push(i);
  }
  const kept = trainRows.toArray();
  const train = objects
    ? Array.from(kept, (i) => objects[i])
    : selectRows(columns, kept);
  const played = heldOut.slice(0, options.maxUsers ?? heldOut.length).sort();
  const users = played.map((userId) => {
    const rows = Array.from(ratingRows(index.get(userId)!), at)
      .sort((a, b) => a.movieId - b.movieId);
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

/**
 * The same user with their ratings split into halves again, at random
 * (`random`): another answering half and test set from the same person.
 */
export function resplitUser(
  user: OnboardingUser,
  random: () => number,
): OnboardingUser {
  const rows = [...user.answers.values(), ...user.test]
    .sort((a, b) => a.movieId - b.movieId);
  shuffleInPlace(rows, random);
  const testSize = user.test.length;
  const answering = rows.slice(testSize);
  return {
    userId: user.userId,
    answers: new Map(answering.map((r) => [r.movieId, r])),
    answersInTime: [...answering].sort((a, b) =>
      a.timestamp - b.timestamp || a.movieId - b.movieId
    ),
    test: rows.slice(0, testSize),
  };
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
