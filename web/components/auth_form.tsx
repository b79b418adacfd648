/** The email + password form of the log in and sign up pages. */

/** A message tied to one field, or to the whole form. */
export interface FormProblem {
  field: "email" | "password" | null;
  message: string;
}

/** Props of `AuthForm`. */
export interface AuthFormProps {
  mode: "login" | "signup";
  email?: string;
  error?: FormProblem;
  notice?: string;
  next: string;
}

function FieldError({ id, problem }: { id: string; problem?: string }) {
  return problem ? <p class="field-error" id={id}>{problem}</p> : null;
}

/**
 * A labelled form posting to /login or /signup. A field's own problem sits
 * under that field (`aria-invalid`, `aria-describedby`); a problem with the
 * pair (wrong email or password) is said once for the form.
 */
export function AuthForm(props: AuthFormProps) {
  const signup = props.mode === "signup";
  const heading = signup ? "Create your account" : "Log in";
  const field = props.error?.field ?? null;
  const describe = (name: "email" | "password", hint?: string) =>
    [field === name ? `${name}-error` : null, hint].filter(Boolean).join(" ") ||
    undefined;
  return (
    <section class="auth-card" aria-labelledby="auth-heading">
      <h1 id="auth-heading">{heading}</h1>
      <p class="muted">
        {signup
          ? "Rate a few movies and get recommendations made for you."
          : "Welcome back. Your ratings are waiting."}
      </p>
      {props.error && (
        <p class="alert error" role="alert" id="auth-error">
          {props.error.message}
        </p>
      )}
      {props.notice && <p class="alert" role="status">{props.notice}</p>}
      <form method="post" action={signup ? "/signup" : "/login"} class="stack">
        <input type="hidden" name="next" value={props.next} />
        <div class="field">
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            value={props.email ?? ""}
            aria-invalid={field === "email" ? "true" : undefined}
            aria-describedby={describe("email")}
          />
          <FieldError
            id="email-error"
            problem={field === "email" ? props.error?.message : undefined}
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete={signup ? "new-password" : "current-password"}
            minLength={8}
            required
            aria-invalid={field === "password" ? "true" : undefined}
            aria-describedby={describe("password", "password-hint")}
          />
          <FieldError
            id="password-error"
            problem={field === "password" ? props.error?.message : undefined}
          />
          <p id="password-hint" class="hint">At least 8 characters.</p>
        </div>
        <button type="submit" class="button wide">
          {signup ? "Sign up" : "Log in"}
        </button>
      </form>
      <p class="muted">
        {signup ? "Already have an account? " : "New here? "}
        <a
          href={`${signup ? "/login" : "/signup"}?next=${
            encodeURIComponent(props.next)
          }`}
        >
          {signup ? "Log in" : "Create an account"}
        </a>
      </p>
    </section>
  );
}
