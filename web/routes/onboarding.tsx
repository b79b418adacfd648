/**
 * Onboarding: pages of movies to rate or mark "haven't seen", chosen by the
 * API from the answers so far (GET /api/onboarding), until ten ratings.
 * One plain form per page: it works without JavaScript and ships none.
 */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { ApiError, type WebApi } from "../web_api.ts";
import {
  answerField,
  OnboardingQuestion,
} from "../components/onboarding_question.tsx";
import { errorPage } from "./_500.tsx";

/** Movies per page. */
export const ONBOARDING_PAGE = 10;
/** Ratings the onboarding asks for. */
export const ONBOARDING_GOAL = 10;
/** Ratings from which "Show my recommendations" is offered. */
export const ONBOARDING_ENOUGH = 5;

/** One answer: a rating (0.5 to 5 in half steps) or "skip". */
export interface OnboardingAnswer {
  movieId: number;
  answer: number | "skip";
}

/**
 * Reads the answers of a posted page; returns a message when the form is
 * invalid. A movie without an answer field is left unanswered.
 */
export function parseOnboardingForm(
  form: Record<string, string | File | (string | File)[]>,
): OnboardingAnswer[] | string {
  const ids = [form.movieId ?? []].flat();
  if (ids.length > 50) {
    return `Expected at most 50 movies in one page, found ${ids.length}`;
  }
  const answers: OnboardingAnswer[] = [];
  const seen = new Set<number>();
  for (const raw of ids) {
    const movieId = Number(raw);
    if (typeof raw !== "string" || !Number.isInteger(movieId) || movieId < 1) {
      return `Expected a movie id, found "${
        typeof raw === "string" ? raw : "a file"
      }"`;
    }
    if (seen.has(movieId)) continue;
    seen.add(movieId);
    const value = form[answerField(movieId)];
    if (value === undefined) continue;
    if (value === "skip") {
      answers.push({ movieId, answer: "skip" });
      continue;
    }
    const rating = Number(value);
    if (
      typeof value !== "string" || !(rating >= 0.5 && rating <= 5) ||
      !Number.isInteger(rating * 2)
    ) {
      return `Cannot accept rating "${value}" of movie ${movieId}: expected 0.5 to 5 in steps of 0.5, or "skip"`;
    }
    answers.push({ movieId, answer: rating });
  }
  return answers;
}

async function record(
  api: WebApi,
  token: string,
  { movieId, answer }: OnboardingAnswer,
): Promise<void> {
  if (answer !== "skip") {
    await api.interact(token, movieId, "rating", answer);
    return;
  }
  try {
    await api.interact(token, movieId, "skip");
  } catch (e) {
    // 409: the movie was rated or seen meanwhile (an old page posted again).
    if (!(e instanceof ApiError && e.status === 409)) throw e;
  }
}

function Progress({ rated }: { rated: number }) {
  const shown = Math.min(rated, ONBOARDING_GOAL);
  return (
    <div class="onboarding-progress">
      <p id="onboarding-progress" aria-live="polite">
        <strong>{shown} of {ONBOARDING_GOAL} rated</strong>
        {rated >= ONBOARDING_GOAL
          ? " · enough for good recommendations; rate more if you like"
          : rated >= ONBOARDING_ENOUGH
          ? " · enough to start, more makes them better"
          : ""}
      </p>
      <progress
        max={ONBOARDING_GOAL}
        value={shown}
        aria-labelledby="onboarding-progress"
      />
    </div>
  );
}

export const handler = defineRoute({
  async GET(c) {
    const session = c.get("session");
    if (!session) return c.redirect("/login?next=/onboarding", 303);
    const api = c.get("api");
    const [questions, mine] = await Promise.all([
      api.onboarding(session.accessToken, ONBOARDING_PAGE),
      api.interactions(session.accessToken),
    ]);
    const rated = mine.items.filter((i) => i.type === "rating").length;
    const enough = rated >= ONBOARDING_ENOUGH;
    return renderPage(c, {
      title: "Get started",
      body: (
        <section class="onboarding-page" aria-labelledby="onboarding-heading">
          <div class="page-head">
            <h1 id="onboarding-heading">Rate movies you have seen</h1>
          </div>
          <p>
            Rate the ones you know; leave the others at “Haven't seen it”. Each
            page follows your answers so far.
          </p>
          <Progress rated={rated} />
          {questions.items.length === 0
            ? (
              <p class="empty">
                Nothing more to ask: <a href="/movies">find movies</a>{" "}
                to rate, or see your recommendations.
              </p>
            )
            : null}
          <form method="post" action="/onboarding" class="onboarding-form">
            {questions.items.length > 0 && (
              <ul class="movie-grid" aria-label="Movies to rate">
                {questions.items.map(({ movie }) => (
                  <li key={movie.id}>
                    <OnboardingQuestion movie={movie} />
                  </li>
                ))}
              </ul>
            )}
            <p class="onboarding-actions">
              {questions.items.length > 0 && (
                <button
                  type="submit"
                  name="then"
                  value="more"
                  class={enough ? "button ghost" : "button"}
                >
                  {rated >= ONBOARDING_GOAL ? "Save and rate more" : "Next"}
                </button>
              )} {enough
                ? (
                  <button type="submit" name="then" value="done" class="button">
                    Show my recommendations
                  </button>
                )
                : <a class="button ghost" href="/for-you">Skip for now</a>}
            </p>
          </form>
        </section>
      ),
    });
  },
  async POST(c) {
    const session = c.get("session");
    if (!session) return c.redirect("/login?next=/onboarding", 303);
    const form = await c.req.parseBody({ all: true });
    const answers = parseOnboardingForm(form);
    if (typeof answers === "string") return errorPage(c, 400, answers);
    const api = c.get("api");
    // In order, one at a time: each write is rate limited like any other.
    for (const answer of answers) {
      await record(api, session.accessToken, answer);
    }
    return c.redirect(form.then === "done" ? "/for-you" : "/onboarding", 303);
  },
});
