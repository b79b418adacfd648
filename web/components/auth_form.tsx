/** The email + password form of the log in and sign up pages. */

/** Props of `AuthForm`. */
export interface AuthFormProps {
  mode: "login" | "signup";
  email?: string;
  error?: string;
  notice?: string;
  next: string;
}

/** A labelled form posting to /login or /signup. */
export function AuthForm(props: AuthFormProps) {
  const signup = props.mode === "signup";
  const heading = signup ? "Create your account" : "Log in";
  return (
    <section class="auth-card" aria-labelledby="auth-heading">
      <h1 id="auth-heading">{heading}</h1>
      <p class="muted">
        {signup
          ? "Rate a few movies and get recommendations made for you."
          : "Welcome back. Your ratings are waiting."}
      </p>
      {props.error && (
        <p class="alert error" role="alert" id="auth-error">{props.error}</p>
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
            aria-describedby={props.error ? "auth-error" : undefined}
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
            aria-describedby="password-hint"
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
