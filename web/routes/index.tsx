/** Home: popular movies, and recommendations when signed in. */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { MovieCard, MovieGrid } from "../components/movie_card.tsx";
import { Explanation } from "../components/explanation.tsx";
import { myMovies } from "../my_movies.ts";

export const handler = defineRoute({
  async GET(c) {
    const api = c.get("api");
    const session = c.get("session");
    const [popular, forYou, mine] = await Promise.all([
      api.movies({ sort: "popular", pageSize: 12 }),
      session ? api.recommendations(session.accessToken, 6) : null,
      myMovies(c),
    ]);
    return renderPage(c, {
      title: "Home",
      body: (
        <>
          <section class="hero">
            <h1>Find your next favourite movie</h1>
            <p>
              Recommendations from 100,000 ratings of 9,700 movies by the
              MovieLens community. Rate a few movies you know and get a list
              made for you, with the reasons why.
            </p>
            <div class="hero-actions">
              <a class="button" href="/movies">Browse movies</a>
              {session
                ? (
                  <a class="button ghost" href="/for-you">
                    Your recommendations
                  </a>
                )
                : (
                  <a class="button ghost" href="/signup?next=/for-you">
                    Sign up to get recommendations
                  </a>
                )}
            </div>
          </section>
          {forYou && (
            <section aria-labelledby="for-you-heading">
              <div class="section-head">
                <h2 id="for-you-heading">For you</h2>
                <a href="/for-you">See all</a>
              </div>
              {forYou.coldStart || forYou.items.length === 0
                ? (
                  <p class="empty">
                    Rate a few movies to get recommendations.{" "}
                    <a href="/for-you">Start rating</a>
                  </p>
                )
                : (
                  <ul class="movie-grid" aria-label="Recommended for you">
                    {forYou.items.map((item) => (
                      <li key={item.movie.id}>
                        <MovieCard movie={item.movie}>
                          <Explanation
                            explanation={item.explanation}
                            ratingCount={item.movie.ratingCount}
                          />
                        </MovieCard>
                      </li>
                    ))}
                  </ul>
                )}
            </section>
          )}
          <section aria-labelledby="popular-heading">
            <div class="section-head">
              <h2 id="popular-heading">Popular with MovieLens users</h2>
              <a href="/movies?sort=popular">See all</a>
            </div>
            <MovieGrid
              movies={popular.items}
              label="Popular movies"
              mine={mine}
            />
          </section>
        </>
      ),
    });
  },
});
