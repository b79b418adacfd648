/**
 * Log out: a POST ends the session (server-side, then the cookies); GET asks
 * to confirm (no JS needed).
 */
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
  async POST(c) {
    const session = c.get("session");
    clearSession(c);
    // Ends the session on the server too: its refresh token stops working.
    if (session) await c.get("auth").logout(session);
    return c.redirect("/", 303);
  },
});
