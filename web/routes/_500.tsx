/** The error page: what went wrong, in words, and what to try. */
import type { WebContext } from "../define.ts";
import { renderPage } from "../render.tsx";

/** Where the error page's main link leads. */
export interface ErrorLink {
  href: string;
  label: string;
}

/**
 * Renders the error page with a status (502 when the API failed). The main
 * link reloads the page for a GET; a failed form post links to `back` (the
 * page the form was on), since its URL answers POST only.
 */
export function errorPage(
  c: WebContext,
  status: 400 | 404 | 413 | 500 | 502 | 503,
  detail: string,
  back?: ErrorLink,
): Response {
  const link: ErrorLink = back ??
    (c.req.method === "GET"
      ? {
        href: new URL(c.req.url).pathname + new URL(c.req.url).search,
        label: "Try again",
      }
      : { href: "/", label: "Go to the home page" });
  return renderPage(c, {
    title: status === 400 ? "That did not work" : "Something went wrong",
    status,
    body: (
      <section class="message-page">
        <p class="big-code" aria-hidden="true">{status}</p>
        <h1>
          {status < 500 ? "That request did not work" : "Something went wrong"}
        </h1>
        <p role="alert">{detail}</p>
        <p>
          <a class="button" href={link.href}>{link.label}</a>
          {link.href !== "/" && (
            <>
              {" "}
              <a class="button ghost" href="/">Home page</a>
            </>
          )}
        </p>
      </section>
    ),
  });
}
