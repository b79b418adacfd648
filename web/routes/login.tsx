/** Log in: the form, and its post (sets the session cookie, redirects). */
import { defineRoute, safeNext, type WebContext } from "../define.ts";
import { renderPage } from "../render.tsx";
import { AuthForm, type FormProblem } from "../components/auth_form.tsx";
import { AuthError } from "../auth.ts";
import { saveSession } from "../session.ts";

/** Reads email, password and next from a posted auth form. */
export async function readCredentials(c: WebContext) {
  const form = await c.req.parseBody();
  return {
    email: typeof form.email === "string" ? form.email.trim() : "",
    password: typeof form.password === "string" ? form.password : "",
    next: safeNext(form.next, "/for-you"),
  };
}

/**
 * The status of a refused auth form: busy and too-many stay what they are
 * (429, 503: come back later), a bad field is 400, the rest `otherwise`.
 */
export function formStatus(
  status: number,
  otherwise: 401 | 422,
): 400 | 401 | 422 | 429 | 503 {
  if (status === 429 || status === 503 || status === 400) return status;
  return otherwise;
}

/** Checks the fields before asking the auth service; a problem or null. */
export function credentialsProblem(
  email: string,
  password: string,
): FormProblem | null {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return { field: "email", message: "Please enter a valid email address." };
  }
  if (password.length < 8) {
    return {
      field: "password",
      message: "The password needs at least 8 characters.",
    };
  }
  return null;
}

/** The form problem of a refused log in or sign up. */
export function authProblem(error: AuthError): FormProblem {
  return { field: error.field ?? null, message: error.message };
}

export const handler = defineRoute({
  GET(c) {
    const next = safeNext(c.req.query("next"), "/for-you");
    if (c.get("session")) return c.redirect(next, 303);
    return renderPage(c, {
      title: "Log in",
      body: <AuthForm mode="login" next={next} />,
    });
  },
  async POST(c) {
    const { email, password, next } = await readCredentials(c);
    const problem = credentialsProblem(email, password);
    try {
      if (problem) throw new AuthError(400, problem.message, problem.field);
      saveSession(c, await c.get("auth").login(email, password));
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      return renderPage(c, {
        title: "Log in",
        status: formStatus(e.status, 401),
        body: (
          <AuthForm
            mode="login"
            next={next}
            email={email}
            error={authProblem(e)}
          />
        ),
      });
    }
    return c.redirect(next, 303);
  },
});
