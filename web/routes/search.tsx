/**
 * Search by what a movie is about (and by title): the header's search box
 * lands here. Results come from GET /api/search, each with why it matched;
 * a title typed whole still comes first.
 */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { ApiError, type SearchQuery } from "../web_api.ts";
import { MovieCard } from "../components/movie_card.tsx";
import { Pagination } from "../components/pagination.tsx";

/** Results per page. */
export const SEARCH_PAGE_SIZE = 20;
/** Examples offered on the empty page (each is a link). */
const EXAMPLES = ["space horror", "heist with a twist", "feel-good 80s comedy"];

/** What the search form shows: the query, its filters and the genres to pick from. */
interface SearchFormProps {
  query: SearchQuery;
  genres: string[];
}

/** The search form, with the current query and filters to refine. */
function SearchForm({ query, genres }: SearchFormProps) {
  return (
    <form class="search-form" action="/search" method="get" role="search">
      <label for="search-page-q">Title, or what it is about</label>
      <input
        id="search-page-q"
        type="search"
        name="q"
        value={query.q}
        maxLength={200}
      />
      <label for="search-genre">Genre</label>
      <select id="search-genre" name="genre">
        <option value="">Any</option>
        {genres.map((g) => (
          <option key={g} value={g} selected={g === query.genre}>{g}</option>
        ))}
      </select>
      <label for="search-from">From year</label>
      <input
        id="search-from"
        name="yearFrom"
        inputMode="numeric"
        pattern="[0-9]{4}"
        size={5}
        value={query.yearFrom?.toString() ?? ""}
      />
      <label for="search-to">To year</label>
      <input
        id="search-to"
        name="yearTo"
        inputMode="numeric"
        pattern="[0-9]{4}"
        size={5}
        value={query.yearTo?.toString() ?? ""}
      />
      <button type="submit" class="button">Search</button>
    </form>
  );
}

/** A four-digit year from the URL, or undefined. */
function year(value: string | null): number | undefined {
  return value && /^\d{4}$/.test(value.trim()) ? Number(value) : undefined;
}

/** The example searches, as links. */
function Examples() {
  return (
    <p class="muted">
      Try {EXAMPLES.map((q, i) => (
        <span key={q}>
          {i > 0 && ", "}
          <a href={`/search?q=${encodeURIComponent(q)}`}>{q}</a>
        </span>
      ))}.
    </p>
  );
}

export const handler = defineRoute({
  async GET(c) {
    const url = new URL(c.req.url);
    const q = url.searchParams.get("q")?.trim() ?? "";
    const genres = (await c.get("api").genres()).genres.map((g) => g.genre);
    const genre = url.searchParams.get("genre") ?? "";
    const query: SearchQuery = {
      q,
      genre: genres.includes(genre) ? genre : undefined,
      yearFrom: year(url.searchParams.get("yearFrom")),
      yearTo: year(url.searchParams.get("yearTo")),
    };
    const rawPage = url.searchParams.get("page") ?? "1";
    const page = /^\d{1,3}$/.test(rawPage)
      ? Math.min(5, Math.max(1, Number(rawPage)))
      : 1;
    if (!q) {
      return renderPage(c, {
        title: "Search",
        body: (
          <section aria-labelledby="search-heading">
            <h1 id="search-heading">Search movies</h1>
            <SearchForm query={query} genres={genres} />
            <p>
              Type a title, or what you are in the mood for: the search reads
              what movies are about.
            </p>
            <Examples />
          </section>
        ),
      });
    }
    let result;
    let problem: { status: 400 | 503; text: string } | null = null;
    try {
      result = await c.get("api").search({
        ...query,
        page,
        pageSize: SEARCH_PAGE_SIZE,
      });
    } catch (e) {
      // Too long a query is the user's to fix; a busy model passes soon.
      if (!(e instanceof ApiError) || (e.status !== 400 && e.status !== 503)) {
        throw e;
      }
      problem = e.status === 400
        ? { status: 400, text: `Please change the search: ${e.detail}` }
        : {
          status: 503,
          text: "Search is busy: please try again in a moment.",
        };
    }
    return renderPage(c, {
      title: `Search: ${q}`,
      status: problem?.status ?? 200,
      body: (
        <section aria-labelledby="search-heading">
          <h1 id="search-heading">Movies about “{q}”</h1>
          <SearchForm query={query} genres={genres} />
          {problem && <p class="alert error" role="alert">{problem.text}</p>}
          {result && (
            <>
              <p class="muted results-count" role="status">
                {result.total.toLocaleString("en-US")}{" "}
                movie{result.total === 1 ? "" : "s"}
                {result.matchedBy === "title" &&
                  " · matched by title only (the description model is unavailable)"}
              </p>
              {result.items.length === 0
                ? (
                  <div class="empty">
                    <p>No movie matches this search.</p>
                    <Examples />
                  </div>
                )
                : (
                  <ul class="movie-grid" aria-label="Search results">
                    {result.items.map((item) => (
                      <li key={item.movie.id}>
                        <MovieCard movie={item.movie} headingLevel={2}>
                          {item.match.text && (
                            <p class="explanation">{item.match.text}</p>
                          )}
                        </MovieCard>
                      </li>
                    ))}
                  </ul>
                )}
              <Pagination
                page={result.page}
                pageSize={result.pageSize}
                total={result.total}
                params={url.searchParams}
                path="/search"
              />
            </>
          )}
        </section>
      ),
    });
  },
});
