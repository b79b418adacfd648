/**
 * One onboarding question: a movie card with a half-star radio group and
 * "Haven't seen it", part of the page's one plain form (no JavaScript).
 * "Haven't seen it" starts checked, so that a person only touches the
 * movies they know; the values ascend, so the arrow keys move the way the
 * stars fill.
 */
import type { MovieSummary } from "./movie_card.tsx";
import { MovieCard } from "./movie_card.tsx";
import { displayTitle } from "./title.ts";

/** The half-star values offered, lowest first. */
export const STAR_VALUES = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5] as const;

/** The form field that carries the answer about one movie. */
export const answerField = (movieId: number): string => `answer-${movieId}`;

const STAR =
  "M12 1.5l3.2 6.6 7.3 1-5.3 5.1 1.3 7.2L12 18l-6.5 3.4 1.3-7.2L1.5 9.1l7.3-1z";

function HalfStar({ left }: { left: boolean }) {
  return (
    <svg
      viewBox={left ? "0 0 12 24" : "12 0 12 24"}
      width="16"
      height="32"
      aria-hidden="true"
      focusable="false"
    >
      <path d={STAR} fill="currentColor" />
    </svg>
  );
}

/** A movie to answer about, inside the onboarding form. */
export function OnboardingQuestion({ movie }: { movie: MovieSummary }) {
  const name = answerField(movie.id);
  const id = (value: string | number) => `q-${movie.id}-${value}`;
  return (
    <MovieCard movie={movie}>
      <input type="hidden" name="movieId" value={movie.id} />
      <fieldset class="onboarding-answer">
        <legend class="sr-only">
          Your rating of {displayTitle(movie.title)}
        </legend>
        <input
          type="radio"
          class="sr-only"
          id={id("skip")}
          name={name}
          value="skip"
          checked
        />
        <label for={id("skip")} class="unseen">Haven't seen it</label>
        <span class="onboarding-stars">
          {STAR_VALUES.map((value) => (
            <>
              <input
                type="radio"
                class="sr-only"
                id={id(value)}
                name={name}
                value={value}
              />
              <label for={id(value)} class="star" title={`${value} stars`}>
                <span class="sr-only">{value} stars</span>
                <HalfStar left={value % 1 !== 0} />
              </label>
            </>
          ))}
        </span>
      </fieldset>
    </MovieCard>
  );
}
