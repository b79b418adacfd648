/** The signed-in user's ratings and likes: change or remove them. */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { RatingWidget } from "../islands/rating_widget.tsx";
import { displayTitle } from "../components/title.ts";

interface MovieRow {
  movie: { id: number; title: string; year: number | null };
  rating: number | null;
  reaction: "like" | "dislike" | null;
  /** Latest change, ms since the epoch. */
  timestamp: number;
}

export const handler = defineRoute({
  async GET(c) {
    const session = c.get("session");
    if (!session) return c.redirect("/login?next=/my-ratings", 303);
    const { items } = await c.get("api").interactions(session.accessToken);
    // One row per movie, newest change first (items arrive newest first).
    const rows = new Map<number, MovieRow>();
    for (const item of items) {
      // views and "haven't seen it" are no ratings to change here
      if (item.type === "view" || item.type === "skip") continue;
      const row = rows.get(item.movieId) ??
        {
          movie: item.movie,
          rating: null,
          reaction: null,
          timestamp: item.timestamp,
        };
      if (item.type === "rating") row.rating = item.value;
      else row.reaction = item.type;
      rows.set(item.movieId, row);
    }
    const list = [...rows.values()];
    const rated = list.filter((r) => r.rating !== null).length;
    return renderPage(c, {
      title: "My ratings",
      body: (
        <>
          <div class="page-head">
            <h1>My ratings</h1>
            <p class="muted">
              {rated} rated · {list.length - rated} liked or disliked only
            </p>
          </div>
          {list.length === 0
            ? (
              <div class="empty">
                <h2>You have not rated anything yet</h2>
                <p>Rate movies you have seen to get recommendations.</p>
                <a class="button" href="/for-you">Rate popular movies</a>{" "}
                <a class="button ghost" href="/movies">Browse</a>
              </div>
            )
            : (
              <ul class="ratings-list" aria-label="Your ratings">
                {list.map((row) => (
                  <li key={row.movie.id} class="rating-row">
                    <div class="rating-row-title">
                      <a href={`/movies/${row.movie.id}`}>
                        {displayTitle(row.movie.title)}
                      </a>
                      {row.movie.year && (
                        <span class="muted">({row.movie.year})</span>
                      )}
                      <p class="muted small">
                        <time dateTime={new Date(row.timestamp).toISOString()}>
                          {new Date(row.timestamp).toLocaleDateString("en-GB", {
                            day: "numeric",
                            month: "short",
                            year: "numeric",
                          })}
                        </time>
                      </p>
                    </div>
                    <RatingWidget
                      movieId={row.movie.id}
                      title={displayTitle(row.movie.title)}
                      rating={row.rating}
                      reaction={row.reaction}
                      next="/my-ratings"
                      compact
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
