/**
 * Recommendations with their explanations, each rateable right on its card;
 * new users get an onboarding strip of popular movies to rate here.
 */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { MovieCard } from "../components/movie_card.tsx";
import { RatingWidget } from "../islands/rating_widget.tsx";
import { Explanation } from "../components/explanation.tsx";
import { displayTitle } from "../components/title.ts";
import { ApiError } from "../web_api.ts";
import { errorPage } from "./_500.tsx";
import { OnboardingPrompt } from "../components/onboarding_prompt.tsx";
import { ONBOARDING_GOAL } from "./onboarding.tsx";
import { NO_STATE } from "../components/rating_form.ts";
import { myMovies } from "../my_movies.ts";

/** Recommendations per "page"; "Show more" adds as many. */
export const STEP = 24;
/** The most the API gives in one list. */
const MAX = 96;
const ONBOARDING = 12;

/** The list length asked for in `?limit=`: a multiple of STEP up to MAX. */
export function listLength(raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < STEP) return STEP;
  return Math.min(MAX, Math.ceil(n / STEP) * STEP);
}

export const handler = defineRoute({
  async GET(c) {
    const session = c.get("session");
    if (!session) return c.redirect("/login?next=/for-you", 303);
    const api = c.get("api");
    const genre = c.req.query("genre")?.trim() || undefined;
    const limit = listLength(c.req.query("limit"));
    const [recs, genres, mine] = await Promise.all([
      api.recommendations(session.accessToken, limit, genre).catch((e) => {
        // the API refuses a genre it does not know: the visitor's input
        if (e instanceof ApiError && e.status === 400) return null;
        throw e;
      }),
      api.genres(),
      myMovies(c),
    ]);
    if (!recs) {
      return errorPage(
        c,
        400,
        `There is no genre called "${genre}". Pick one from the list on this page.`,
      );
    }
    const rated = [...mine.values()].filter((m) => m.rating !== null).length;
    const coldStart = recs.coldStart || recs.items.length === 0;
    const onboarding = coldStart
      ? await api.movies({ sort: "popular", pageSize: ONBOARDING })
      : null;
    const here = `/for-you${
      genre ? `?genre=${encodeURIComponent(genre)}` : ""
    }`;
    const more = new URLSearchParams({
      ...(genre ? { genre } : {}),
      limit: String(limit + STEP),
    });
    return renderPage(c, {
      title: "For you",
      body: (
        <>
          <div class="page-head">
            <h1>Recommended for you</h1>
            {!coldStart && (
              <form method="get" action="/for-you" class="inline">
                <label for="fy-genre">Genre</label>
                <select id="fy-genre" name="genre">
                  <option value="">All genres</option>
                  {genres.genres.map((g) => (
                    <option
                      key={g.genre}
                      value={g.genre}
                      selected={g.genre === genre}
                    >
                      {g.genre}
                    </option>
                  ))}
                </select>
                <button type="submit" class="button small">Show</button>
              </form>
            )}
          </div>
          <OnboardingPrompt rated={rated} goal={ONBOARDING_GOAL} />
          {onboarding
            ? (
              <section class="onboarding" aria-labelledby="onboarding-heading">
                <div class="empty">
                  <h2 id="onboarding-heading">
                    {genre
                      ? `No recommendations in ${genre} yet`
                      : "Tell us what you like"}
                  </h2>
                  <p>
                    Rate three or more movies you have seen: the more you rate,
                    the better the list. Here are some popular ones to start
                    with.
                  </p>
                </div>
                <ul class="movie-grid" aria-label="Popular movies to rate">
                  {onboarding.items.map((movie) => (
                    <li key={movie.id}>
                      <MovieCard movie={movie}>
                        <RatingWidget
                          movieId={movie.id}
                          title={displayTitle(movie.title)}
                          {...(mine.get(movie.id) ?? NO_STATE)}
                          next="/for-you"
                          variant="card"
                          lists={{ watchlist: true }}
                        />
                      </MovieCard>
                    </li>
                  ))}
                </ul>
                <p class="center">
                  <a class="button" href="/for-you">Show my recommendations</a>
                  {" "}
                  <a class="button ghost" href="/movies">Find other movies</a>
                </p>
              </section>
            )
            : (
              <>
                <ol
                  class="movie-grid recommendations"
                  aria-label="Recommendations"
                  data-strategy={recs.strategy}
                >
                  {recs.items.map((item, i) => (
                    <li key={item.movie.id} id={`rec-${i + 1}`}>
                      <MovieCard movie={item.movie} headingLevel={2}>
                        <Explanation
                          explanation={item.explanation}
                          ratingCount={item.movie.ratingCount}
                        />
                        <RatingWidget
                          movieId={item.movie.id}
                          title={displayTitle(item.movie.title)}
                          {...(mine.get(item.movie.id) ?? NO_STATE)}
                          next={here}
                          variant="card"
                          lists={{ watchlist: true, hide: true }}
                        />
                      </MovieCard>
                    </li>
                  ))}
                </ol>
                {recs.items.length === limit && limit < MAX && (
                  <p class="center load-more">
                    <a
                      class="button ghost"
                      href={`/for-you?${more}#rec-${limit + 1}`}
                    >
                      Show {STEP} more
                    </a>
                  </p>
                )}
              </>
            )}
        </>
      ),
    });
  },
});
