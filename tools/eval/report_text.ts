/**
 * The fixed prose of docs/EVALUATION.md: how each protocol splits the
 * data, how results are scored, and what each method is.
 */
import { RECENT_DAYS } from "./protocols.ts";

/** Said under the onboarding protocol's heading. */
export const ONBOARDING_NOTE =
  "Skipped movies stay candidates for every method (the user has not seen them), so no method learns from which movies were skipped; *hybrid-skips-excluded* measures leaving them out. A simulated user skips every movie of their test half, which a real user who saw it would rate: using skips as a signal here measures the split, not the user.";

/** The "Protocol" section. */
export function protocolSection(ks: number[]): string[] {
  return [
    "## Protocol",
    "",
    "- **random**: every user with at least 5 ratings has a seeded random 20% of their ratings held out",
    "  (at least one); the rest is training. Run over three seeds (a new split and newly trained served",
    "  models each); the spread is given under the protocol.",
    "- **temporal**: every user with at least 10 ratings has their 5 latest ratings held out (ties in time",
    "  broken by movie id): the model predicts what each user rated next. Other users' later ratings stay",
    "  in training (leave-last-out), as in the usual protocol.",
    "- **new-users**: a seeded 20% of the users with at least 20 ratings keep only their first 5 ratings",
    "  (in time order) and the rest of their ratings are held out; everyone else's ratings are training.",
    "  This is what serving faces right after sign-up: strong collaborative models, a history of a",
    "  handful of movies, so little for collaborative models to go on.",
    "  Its NDCG runs higher than the other protocols' because most of each new user's ratings are held",
    "  out (many relevant movies): compare methods within a protocol, not across protocols.",
    "- **onboarding**: a seeded fifth of the users are held out of training entirely; each held-out",
    "  user's ratings are split once, at random, into a half that answers questions and a half that is",
    "  the test set. The simulated user answers each page of 10 questions truthfully from the first half",
    '  (a rating if they rated the movie, else a skip, "haven\'t seen it"), answering the whole page,',
    "  until 10 ratings or 10 pages (at most 100 movies shown); answers are stamped at the serving time.",
    "  Then a recommender ranks for them from those answers. Effort = movies shown and ratings given per",
    "  user (`core/onboarding/simulation.ts`, `tools/eval/onboarding_protocol.ts`).",
    `- **Relevant** = held-out ratings ≥ 4.0. Users with no relevant held-out rating are **excluded** from`,
    "  every average (their recall and NDCG are undefined); the count is given per protocol.",
    "- **Candidates** = every movie in movies.csv the user has not rated (or liked, viewed, disliked) in",
    `  training; a skipped movie stays one. Each method returns its top ${
      Math.max(...ks)
    } through the \`Recommender\``,
    "  interface the API serves with (`core/`).",
    "- **Metrics** (binary relevance, `core/metrics.ts`): precision@k (divides by k even when a method",
    "  returns fewer), recall@k, NDCG@k (log2 discount, ideal = min(|relevant|, k) hits first), MAP@k",
    "  (AP normalised by min(|relevant|, k)), hit rate@k; catalogue coverage (distinct recommended movies /",
    "  catalogue) and novelty (mean popularity rank of recommended movies, 1 = most rated; higher = less",
    "  mainstream).",
    "- **Intervals**: 95% percentile bootstrap over users (1000 resamples, seeded). The last column is a",
    "  *paired* bootstrap of hybrid − method on per-user NDCG (same users resampled together), which is",
    '  the right test for "is the hybrid better"; ✓ marks a difference whose interval excludes 0.',
    "- **What is served**: the *hybrid* row is the recommender the API serves, built by the same code",
    "  (`core/training/serving_models.ts` trains and tunes it as the pipeline does, on the protocol's",
    "  training split; `serving/recommender.ts` assembles it as the API does, short-history router",
    "  included; under onboarding, `serving/onboarding.ts` asks the questions). Its parts (ease,",
    "  ease-liked, itemknn, sequence) are the served models on their own. It is served at one time, the",
    "  end of the training split, as the API serves every user at the time of the request: a user's own",
    "  last activity is no signal online (*hybrid-at-user-time* shows what it was worth offline).",
    "- **Tuning**: always on a *validation split carved from the training split*, never on the test",
    "  split: the served hybrid as the pipeline tunes it (λ 500, the pipeline's grid), on two tasks over",
    "  the same users, each user's last 5 ratings (the next movies) and a seeded fifth of their earlier",
    "  ones (movies from any time), maximising the geometric mean of the two NDCG@10 (the next movies",
    "  weighted twice)",
    "  (`nextAndAnySplit` in `core/training/split.ts`); the research row *hybrid-retuned* on a split of the same",
    "  protocol (seed + 1) with λ and the full grid searched. Models are then retrained on the full",
    "  training split.",
    "",
  ];
}

/** The "Methods" section; `easeBuild` says how long training took. */
export function methodsSection(easeBuild: string): string[] {
  return [
    "## Methods",
    "",
    "- **random**: uniform among candidates. **popular**: Bayesian-average rating (`core/recommenders/popular.ts`, the",
    '  API\'s "popular" browse order). **most-rated**: raw rating count. **most-liked**: the count of',
    "  ratings ≥ 4 (`coldStartRecommender`, what the API recommends to a user with no history).",
    `  **recent-popular**: the count of ratings in the last ${RECENT_DAYS} days of the training split.`,
    "- **content-<embedder>**: cosine to the user's profile vector (`core/recommenders/content.ts`).",
    "- **itemknn**: binary cosine with shrinkage 10, 100 neighbours per movie (`core/models/item_knn.ts`).",
    `- **ease**: EASE on movies with ≥ 10 training ratings, at most the 6000 most rated, 200 largest weights kept per movie (\`core/models/ease.ts\`; blocked SPD inverse with a WebAssembly SIMD kernel in \`core/models/spd_inverse.ts\`). ${easeBuild}`,
    '- **ease-liked**: the same EASE trained on ratings ≥ 4 only ("liked", since relevance is a high rating) and fed each user\'s liked movies only (likes, views, ratings ≥ 4; `likedOnly` in `core/models/item_item_model.ts`).',
    "- **sequence** (`core/models/sequence.ts`): what other users rated within 20 positions *after* each movie in",
    "  their own time order (pairs weighted 1 / distance, cosine-normalised, shrinkage 10), summed over the",
    "  user's history with weights decaying by position from the newest movie (decay as tuned for the hybrid).",
    "- **hybrid** (`core/recommenders/hybrid.ts`): its parts are EASE + EASE-liked + item-kNN + sequence (collaborative,",
    "  trusted more for long histories and often-rated movies), content (tfidf) where that trust is low",
    "  (movies nobody rated get content only), and popularity / recent-trend priors at the serving time.",
    "  Weights per protocol below (tuned on validation); a part tuned to weight 0 is unused under that",
    "  protocol. As served, short histories get weights of their own",
    "  (`core/recommenders/history_router.ts`), tuned on a seeded fifth of the training split's users held out of",
    "  its models, each playing a new user (their first 5 ratings); short histories that hold skips (answers to",
    "  the onboarding) get weights tuned on the same users answering the questionnaire",
    "  (`core/training/new_user_tuning.ts`).",
    "- **hybrid-at-user-time** (research): the served hybrid with each user's own last activity as its time",
    "  reference (popularity and trend then, movies not out yet held back), as this evaluation measured it",
    "  before; no request can be served at that time, so it is not what users get.",
    "- **hybrid-short-up-to-10** (research, `tools/eval/research.ts`): the served hybrid with short",
    "  histories cut at 10 movies, as served before the onboarding (now 20: someone who just answered",
    "  it has rated up to 19).",
    "- **hybrid-retuned** (research, `tools/eval/research.ts`): the same hybrid with λ and every weight",
    "  re-tuned for the protocol being measured; it shows what per-protocol tuning would add.",
    "- **hybrid-learned** (research, `tools/eval/learned_blend/`): a linear re-ranker of each",
    "  user's ~100–250 candidates (the formula's best 100 plus each part's best 25) over per-candidate",
    "  features: every part's normalised score and its rank among the candidates, popularity, trend,",
    "  not-yet-released, and parts × log history length. Fitted by full-batch Adam (listwise softmax or",
    "  pointwise logistic loss, L2) on the validation split; each (loss, L2) is cross-validated over the",
    "  validation users (2 folds); the row shows it on the test split whether or not validation would",
    "  keep it (it never has on ml-latest-small, so the pipeline does not run it).",
    "- Onboarding rows: **hybrid** is the served hybrid fed the answers to the served questionnaire",
    "  (`core/onboarding/questionnaire.ts`: the most rated movies first, then the movies the liked answers",
    "  point to, through the served EASE model). **hybrid, most-rated questionnaire**: the served hybrid fed the",
    "  answers to a fixed list of the most rated movies. **hybrid, first 10 ratings**: fed the user's own",
    "  first 10 ratings of the answering half in time order (no questions). The **ease, …** rows feed",
    "  EASE alone the same answers. **hybrid-skips-excluded** (research): the served hybrid, never",
    "  recommending a skipped movie.",
    "",
  ];
}
