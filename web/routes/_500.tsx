/** The error page: what went wrong, in words, and what to try. */
import type { WebContext } from "../define.ts";
import { renderPage } from "../render.tsx";

/** Renders the error page with a status (502 when the API failed). */
export function errorPage(
  c: WebContext,
  status: 400 | 404 | 413 | 500 | 502 | 503,
  detail: string,
): Response {
  return renderPage(c, {
    title: "Something went wrong",
    status,
    body: (
      <section class="message-page">
        <p class="big-code" aria-hidden="true">{status}</p>
        <h1>
          {status < 500 ? "That request did not work" : "Something went wrong"}
        </h1>
        <p role="alert">{detail}</p>
        <p>
          <a href={c.req.path}>Try again</a> · <a href="/">Home page</a>
        </p>
      </section>
    ),
  });
}
