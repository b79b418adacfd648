/**
 * The invitation to the onboarding page, shown on "For you" while a
 * history is short: a few answers there sharpen the list most.
 */

/** Props of `OnboardingPrompt`. */
export interface OnboardingPromptProps {
  /** Movies the user has rated. */
  rated: number;
  /** Ratings the onboarding asks for. */
  goal: number;
}

/** A call to action towards /onboarding; nothing once the goal is reached. */
export function OnboardingPrompt({ rated, goal }: OnboardingPromptProps) {
  if (rated >= goal) return null;
  return (
    <aside
      class="onboarding-prompt card"
      aria-label="Get better recommendations"
    >
      <p>
        {rated === 0
          ? "New here? Rate ten movies you have seen, and this list becomes yours."
          : `You have rated ${rated} of ${goal}: a few more answers make this list sharper.`}
      </p>
      <a class="button" href="/onboarding">
        {rated === 0 ? "Rate ten movies" : "Continue rating"}
      </a>
    </aside>
  );
}
