/**
 * Recommendations with their explanations; new users get an onboarding strip
 * of popular movies to rate right here.
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

const LIMIT = 24;
const ONBOARDING = 12;

export const handler = defineRoute({
  async GET(c) {
    const session = c.get("session");
    if (!session) return c.redirect("/login?next=/for-you", 303);
    const api = c.get("api");
    const genre = c.req.query("genre")?.trim() || undefined;
    const [recs, genres, mine] = await Promise.all([
      api.recommendations(session.accessToken, LIMIT, genre).catch((e) => {
        // the API refuses a genre it does not know: the visitor's input
        if (e instanceof ApiError && e.status === 400) return null;
        throw e;
      }),
      api.genres(),
      api.interactions(session.accessToken),
    ]);
    if (!recs) {
      return errorPage(
        c,
        400,
        `There is no genre called "${genre}". Pick one from the list on this page.`,
      );
    }
    const rated = mine.items.filter((i) => i.type === "rating").length;
    const coldStart = recs.coldStart || recs.items.length === 0;
    const onboarding = coldStart
      ? await api.movies({ sort: "popular", pageSize: ONBOARDING })
      : null;
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
                          rating={null}
                          reaction={null}
                          next="/for-you"
                          compact
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
              <ol
                class="movie-grid recommendations"
                aria-label="Recommendations"
              >
                {recs.items.map((item) => (
                  <li key={item.movie.id}>
                    <MovieCard movie={item.movie}>
                      <Explanation explanation={item.explanation} />
                    </MovieCard>
                  </li>
                ))}
              </ol>
            )}
          <p class="muted small">Method: {recs.strategy}</p>
        </>
      ),
    });
  },
});
