/** The friendly "not found" page. */
import type { WebContext } from "../define.ts";
import { renderPage } from "../render.tsx";

/** Renders the 404 page. */
export function notFound(c: WebContext): Response {
  return renderPage(c, {
    title: "Page not found",
    status: 404,
    body: (
      <section class="message-page">
        <p class="big-code" aria-hidden="true">404</p>
        <h1>We could not find that page</h1>
        <p>
          The link may be old, or the movie may not be in the catalogue.
        </p>
        <form
          action="/movies"
          method="get"
          class="inline-search"
          role="search"
          aria-label="Catalogue"
        >
          <label for="notfound-q">Search for a movie</label>
          <input id="notfound-q" type="search" name="q" />
          <button type="submit" class="button">Search</button>
        </form>
        <p>
          <a href="/">Go to the home page</a>
        </p>
      </section>
    ),
  });
}
