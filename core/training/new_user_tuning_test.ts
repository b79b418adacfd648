import assert from "node:assert/strict";
import { HYBRID_DEFAULTS } from "../recommenders/hybrid.ts";
import type { Interaction } from "../types.ts";
import { tuneNewUserSettings } from "./new_user_tuning.ts";

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
  long: HYBRID_DEFAULTS,
  lambda: 5,
  minCount: 2,
  content: null,
  grid: { popularityWeight: [0, 0.4], likedWeight: [0, 2] },
  seed: 1,
};

Deno.test("tuneNewUserSettings tunes both settings on one set of held-out users", () => {
  const { short, onboarded } = tuneNewUserSettings(groups(4.5), options);
  assert.ok(short && onboarded);
  assert.equal(onboarded.users, 8, "a fifth of the 40 users");
  // every held-out user has ≥ 20 ratings: each plays a new user too
  assert.equal(short.users, 8);
  assert.ok(short.validationNdcg >= short.startValidationNdcg);
  assert.ok(onboarded.validationNdcg >= onboarded.startValidationNdcg);
  // the answers point to the user's own group (a random guess is near 0.3)
  assert.ok(onboarded.validationNdcg > 0.7, `NDCG ${onboarded.validationNdcg}`);
  const few = tuneNewUserSettings(groups(4.5), { ...options, maxUsers: 3 });
  assert.equal(few.onboarded?.users, 3);
  assert.equal(few.short?.users, 3);
  const twice = tuneNewUserSettings(groups(4.5), { ...options, plays: 2 });
  assert.equal(twice.onboarded?.users, 16, "each held-out user answers twice");
  assert.equal(twice.short?.users, 8, "and plays one new user");
  const capped = tuneNewUserSettings(groups(4.5), {
    ...options,
    plays: 3,
    maxUsers: 20,
  });
  assert.equal(capped.onboarded?.users, 16, "3 plays of 8 users exceed 20");
  const more = tuneNewUserSettings(groups(4.5), {
    ...options,
    userFraction: 0.4,
  });
  assert.equal(more.onboarded?.users, 16, "two fifths of the 40 users");
  const shortOnly = tuneNewUserSettings(groups(4.5), {
    ...options,
    onboarded: false,
  });
  assert.deepEqual(shortOnly.short, short);
  assert.equal(shortOnly.onboarded, null);
});

Deno.test("tuneNewUserSettings is null for both when no held-out user liked a movie", () => {
  assert.deepEqual(tuneNewUserSettings(groups(2), options), {
    short: null,
    onboarded: null,
  });
});

Deno.test("a held-out user with fewer than 20 ratings plays no new user", () => {
  // 12 of 30 movies each: enough to answer the questionnaire, too few to
  // keep 5 and still have later liked movies worth the name
  const sparse = groups(4.5).filter((r) => r.movieId % 30 < 13);
  const { short, onboarded } = tuneNewUserSettings(sparse, options);
  assert.equal(short, null);
  assert.equal(onboarded, null, "onboarded settings start from short ones");
});
