import assert from "node:assert/strict";
import { HYBRID_DEFAULTS } from "../recommenders/hybrid.ts";
import type { Interaction } from "../types.ts";
import { tuneOnboardedHistory } from "./onboarded_history.ts";

const day = 86_400_000;

/** 40 users in two taste groups of 30 movies each, rated `value`. */
function groups(value: number): Interaction[] {
  const rows: Interaction[] = [];
  for (let u = 0; u < 40; u++) {
    const base = u % 2 === 0 ? 1 : 31;
    for (let m = 0; m < 30; m++) {
      if ((u + m) % 4 === 0) continue;
      rows.push({
        userId: `u${u}`,
        movieId: base + m,
        type: "rating",
        value,
        timestamp: (u * 100 + m) * day,
      });
    }
  }
  return rows;
}

const options = {
  short: HYBRID_DEFAULTS,
  lambda: 5,
  minCount: 2,
  content: null,
  grid: { popularityWeight: [0, 0.4], likedWeight: [0, 2] },
  seed: 1,
};

Deno.test("tuneOnboardedHistory tunes on held-out users answering the questionnaire", () => {
  const tuned = tuneOnboardedHistory(groups(4.5), options);
  assert.ok(tuned);
  assert.equal(tuned.users, 8, "a fifth of the 40 users");
  assert.ok(tuned.validationNdcg >= tuned.shortValidationNdcg);
  // the answers point to the user's own group (a random guess is near 0.3)
  assert.ok(tuned.validationNdcg > 0.7, `NDCG ${tuned.validationNdcg}`);
  const few = tuneOnboardedHistory(groups(4.5), { ...options, maxUsers: 3 });
  assert.equal(few?.users, 3);
  const twice = tuneOnboardedHistory(groups(4.5), { ...options, plays: 2 });
  assert.equal(twice?.users, 16, "each held-out user answers twice");
  const more = tuneOnboardedHistory(groups(4.5), {
    ...options,
    userFraction: 0.4,
  });
  assert.equal(more?.users, 16, "two fifths of the 40 users");
});

Deno.test("tuneOnboardedHistory is null when no held-out user liked a movie", () => {
  assert.equal(tuneOnboardedHistory(groups(2), options), null);
});
