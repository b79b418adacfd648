/**
 * The movies the signed-in user wants to watch, newest first: rate one once
 * seen, or take it off the list. They never appear among recommendations.
 */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { RatingWidget } from "../islands/rating_widget.tsx";
import { displayTitle } from "../components/title.ts";
import { PosterTile } from "../components/poster_image.tsx";
import { Day } from "../components/day.tsx";
import { movieStates } from "../my_movies.ts";
import { NO_STATE } from "../components/rating_form.ts";

export const handler = defineRoute({
  async GET(c) {
    const session = c.get("session");
    if (!session) return c.redirect("/login?next=/watchlist", 303);
    const { items } = await c.get("api").interactions(session.accessToken);
    const states = movieStates(items);
    const wanted = items.filter((i) => i.type === "watchlist");
    return renderPage(c, {
      title: "Watchlist",
      body: (
        <>
          <div class="page-head">
            <h1>Watchlist</h1>
            <p class="muted">
              {wanted.length} movie{wanted.length === 1 ? "" : "s"} to watch
            </p>
          </div>
          {wanted.length === 0
            ? (
              <div class="empty">
                <h2>Nothing to watch yet</h2>
                <p>
                  Press “Want to watch” on a movie or a recommendation to keep
                  it here. Movies on your watchlist are left out of your
                  recommendations.
                </p>
                <a class="button" href="/for-you">See recommendations</a>{" "}
                <a class="button ghost" href="/movies">Browse</a>
              </div>
            )
            : (
              <ul class="ratings-list" aria-label="Movies to watch">
                {wanted.map(({ movie, timestamp }) => (
                  <li key={movie.id} class="rating-row">
                    <PosterTile
                      movie={movie}
                      title={displayTitle(movie.title)}
                      width={92}
                      sizes="46px"
                      class="row-poster"
                    />
                    <div class="rating-row-title">
                      <a href={`/movies/${movie.id}`}>
                        {displayTitle(movie.title)}
                      </a>
                      {movie.year && (
                        <span class="muted">{` (${movie.year})`}</span>
                      )}
                      <p class="muted small">
                        Added <Day ms={timestamp} />
                      </p>
                    </div>
                    <RatingWidget
                      movieId={movie.id}
                      title={displayTitle(movie.title)}
                      {...(states.get(movie.id) ?? NO_STATE)}
                      next="/watchlist"
                      lists={{ watchlist: true }}
                    />
                  </li>
                ))}
              </ul>
            )}
        </>
      ),
    });
  },
});
