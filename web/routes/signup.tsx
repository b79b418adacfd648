/** Sign up: the form, and its post (creates the account, signs in). */
import { defineRoute, safeNext } from "../define.ts";
import { renderPage } from "../render.tsx";
import { AuthForm } from "../components/auth_form.tsx";
import { AuthError } from "../auth.ts";
import { saveSession } from "../session.ts";
import {
  authProblem,
  credentialsProblem,
  formStatus,
  readCredentials,
} from "./login.tsx";

export const handler = defineRoute({
  GET(c) {
    const next = safeNext(c.req.query("next"), "/for-you");
    if (c.get("session")) return c.redirect(next, 303);
    return renderPage(c, {
      title: "Sign up",
      body: <AuthForm mode="signup" next={next} />,
    });
  },
  async POST(c) {
    const { email, password, next } = await readCredentials(c);
    const problem = credentialsProblem(email, password);
    let result;
    try {
      if (problem) throw new AuthError(400, problem.message, problem.field);
      result = await c.get("auth").signup(email, password);
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      return renderPage(c, {
        title: "Sign up",
        status: e.status === 409 ? 422 : formStatus(e.status, 422),
        body: (
          <AuthForm
            mode="signup"
            next={next}
            email={email}
            error={authProblem(e)}
          />
        ),
      });
    }
    if (result.kind === "confirm-email") {
      return renderPage(c, {
        title: "Confirm your email",
        body: (
          <AuthForm
            mode="login"
            next={next}
            email={email}
            notice="Check your inbox: confirm your email address, then log in."
          />
        ),
      });
    }
    saveSession(c, result.session);
    // A new account has no taste to go on: ask first, unless the visitor
    // signed up on their way to a particular page.
    const landing = next === "/" || next === "/for-you" ? "/onboarding" : next;
    return c.redirect(landing, 303);
  },
});
