/** Why a movie was recommended, with links to the movies behind it. */
import { displayTitle } from "./title.ts";

/** An explanation as the API gives it. */
export interface ExplanationData {
  kind: "rated" | "liked" | "popular";
  because: { id: number; title: string }[];
  text: string;
}

/** "Because you rated A, B and C" with links; the API's text otherwise. */
export function Explanation({ explanation }: { explanation: ExplanationData }) {
  const { because } = explanation;
  if (because.length === 0 || explanation.kind === "popular") {
    return <p class="explanation">{explanation.text}</p>;
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
