/** Log out: a POST clears the session; GET asks to confirm (no JS needed). */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { clearSession } from "../session.ts";

export const handler = defineRoute({
  GET(c) {
    if (!c.get("session")) return c.redirect("/", 303);
    return renderPage(c, {
      title: "Log out",
      body: (
        <section class="auth-card">
          <h1>Log out?</h1>
          <form method="post" action="/logout">
            <button type="submit" class="button wide">Log out</button>
          </form>
        </section>
      ),
    });
  },
  POST(c) {
    clearSession(c);
    return c.redirect("/", 303);
  },
});
