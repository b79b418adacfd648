/** Why a movie was recommended, with links to the movies behind it. */
import { displayTitle } from "./title.ts";

/** An explanation as the API gives it. */
export interface ExplanationData {
  kind: "rated" | "liked" | "popular";
  because: { id: number; title: string }[];
  text: string;
}

/**
 * Fewer ratings than this and a movie is not called "popular": a film rated
 * by one person is no crowd favourite, whatever the fallback text says.
 */
export const POPULAR_MIN_RATINGS = 50;

/** Props of `Explanation`. */
export interface ExplanationProps {
  explanation: ExplanationData;
  /** How many people rated the recommended movie. */
  ratingCount: number;
}

/** "Because you rated A and B" with links; the API's text otherwise. */
export function Explanation({ explanation, ratingCount }: ExplanationProps) {
  const { because } = explanation;
  if (because.length === 0 || explanation.kind === "popular") {
    return (
      <p class="explanation">
        {ratingCount >= POPULAR_MIN_RATINGS
          ? explanation.text
          : "Picked from your ratings as a whole"}
      </p>
    );
  }
  return (
    <p class="explanation">
      Because you {explanation.kind === "liked" ? "liked" : "rated"}{" "}
      {because.map((b, i) => (
        <span key={b.id}>
          {i > 0 && (i === because.length - 1 ? " and " : ", ")}
          <a href={`/movies/${b.id}`}>{displayTitle(b.title)}</a>
        </span>
      ))}
    </p>
  );
}
