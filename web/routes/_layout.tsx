/** The frame of every page: header with navigation and search, footer. */
import type { ComponentChildren } from "preact";
import type { Flash } from "../flash.ts";
import { starsLabel } from "../components/rating_form.ts";

/** Props of `Layout`. */
export interface LayoutProps {
  title: string;
  description?: string;
  /** Current path, to mark the active link. */
  path: string;
  /** Path and query of this page, where its forms come back to. */
  here: string;
  /** The page's absolute URL, for Open Graph (shared links). */
  url: string;
  /** Signed-in user's email, or null. */
  email: string | null;
  /** Where "Skip to …" leads (default: the main content). */
  skipTo?: { href: string; label: string };
  /** A one-shot message from the previous form post. */
  flash?: Flash | null;
  children: ComponentChildren;
}

const NAV = [
  { href: "/movies", label: "Browse" },
  { href: "/for-you", label: "For you" },
  { href: "/my-ratings", label: "My ratings" },
  { href: "/watchlist", label: "Watchlist" },
];

const SITE = "MovieLens Recommender";
const DEFAULT_DESCRIPTION =
  "Find movies you will like, from 100,000 MovieLens ratings.";

function FlashMessage({ flash, here }: { flash: Flash; here: string }) {
  const title = flash.title || "this movie";
  return (
    <div class="flash" role="status">
      <p>
        Your rating of {title} ({starsLabel(flash.value)}) was removed.
      </p>
      <form method="post" action="/rate">
        <input type="hidden" name="movieId" value={flash.movieId} />
        <input type="hidden" name="action" value="rate" />
        <input type="hidden" name="value" value={flash.value} />
        <input type="hidden" name="next" value={here} />
        <button type="submit" class="button small">Undo</button>
      </form>
    </div>
  );
}

/** The page frame. */
export function Layout(props: LayoutProps) {
  const next = encodeURIComponent(props.here);
  const description = props.description ?? DEFAULT_DESCRIPTION;
  const skip = props.skipTo ?? { href: "#main", label: "Skip to content" };
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${SITE}`}</title>
        <meta name="description" content={description} />
        <meta property="og:site_name" content={SITE} />
        <meta property="og:title" content={props.title} />
        <meta property="og:description" content={description} />
        <meta property="og:type" content="website" />
        <meta property="og:url" content={props.url} />
        <meta name="twitter:card" content="summary" />
        <meta name="color-scheme" content="light dark" />
        <meta
          name="theme-color"
          content="#151827"
        />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/style.css" />
      </head>
      <body>
        <a class="skip-link" href={skip.href}>{skip.label}</a>
        <header class="site-header">
          <div class="container header-row">
            <a class="brand" href="/">
              <span class="brand-mark" aria-hidden="true">▶</span> MovieLens
              <span class="brand-sub">Recommender</span>
            </a>
            <form
              class="header-search"
              action="/search"
              method="get"
              role="search"
              aria-label="Site"
            >
              <label for="header-q" class="sr-only">
                Search movies by title or by what they are about
              </label>
              <input
                id="header-q"
                type="search"
                name="q"
                maxLength={200}
                placeholder="A title, or “space horror”…"
              />
              <button type="submit" class="button small">Search</button>
            </form>
            <nav aria-label="Main" class="main-nav">
              <ul>
                {NAV.map((link) => (
                  <li key={link.href}>
                    <a
                      href={link.href}
                      aria-current={props.path === link.href ||
                          props.path.startsWith(`${link.href}/`)
                        ? "page"
                        : undefined}
                    >
                      {link.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <div class="account">
              {props.email
                ? (
                  <form method="post" action="/logout" class="inline">
                    <span class="account-email" title={props.email}>
                      {props.email}
                    </span>
                    <button type="submit" class="button small ghost">
                      Log out
                    </button>
                  </form>
                )
                : (
                  <>
                    <a class="button small ghost" href={`/login?next=${next}`}>
                      Log in
                    </a>
                    <a class="button small" href={`/signup?next=${next}`}>
                      Sign up
                    </a>
                  </>
                )}
            </div>
          </div>
        </header>
        <main id="main" class="container" tabIndex={-1}>
          {props.flash && (
            <FlashMessage
              flash={props.flash}
              here={props.here}
            />
          )}
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container">
            Data:{" "}
            <a href="https://grouplens.org/datasets/movielens/">MovieLens</a>
            {" "}
            by GroupLens Research. · <a href="/docs">API docs</a>
            <p class="tmdb-attribution">
              Posters, where shown, come from{" "}
              <a href="https://www.themoviedb.org/" rel="noopener external">
                TMDB
              </a>. This product uses the TMDB API but is not endorsed or
              certified by TMDB.
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
