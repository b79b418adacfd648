/**
 * Pins the hybrid's output (ids, order, scores, explanations) on a small
 * seeded model, so that faster serving code must return exactly what the
 * straightforward implementation returned. The expected lists were recorded
 * from that implementation; regenerate them only for an intended change of
 * results.
 */
import assert from "node:assert/strict";
import { trainEase } from "../models/ease.ts";
import { HYBRID_DEFAULTS, HybridRecommender } from "./hybrid.ts";
import { buildInteractionMatrix } from "../models/interaction_matrix.ts";
import { trainItemKnn } from "../models/item_knn.ts";
import type { RecommendOptions } from "../recommender.ts";
import { trainSequence } from "../models/sequence.ts";
import { RatingTimeline } from "../models/timeline.ts";
import type { EmbeddingMatrix, Interaction } from "../types.ts";

const DAY = 86_400_000;

/** mulberry32: a tiny seeded generator, so the data is the same everywhere. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seeded(7);
const MOVIES = 80; // rated movies 1..80; 81..90 have content only
const ratings: Interaction[] = [];
for (let u = 0; u < 60; u++) {
  const taste = Math.floor(random() * 4);
  const start = Math.floor(random() * 400) * DAY;
  let t = start;
  for (let m = 1; m <= MOVIES; m++) {
    const affinity = (m % 4 === taste ? 0.5 : 0.12) + (m <= 20 ? 0.1 : 0);
    if (random() > affinity) continue;
    t += Math.floor(random() * 5 * DAY);
    const value = Math.round((1 + random() * 4) * 2) / 2;
    ratings.push({
      userId: `u${u}`,
      movieId: m,
      type: "rating",
      value,
      timestamp: t,
    });
  }
}

/** Random embeddings for movies 1..90; `zeros` of the entries are 0. */
function embeddings(dim: number, zeros: number): EmbeddingMatrix {
  const ids = Int32Array.from({ length: 90 }, (_, i) => i + 1);
  const vectors = new Float32Array(ids.length * dim);
  for (let r = 0; r < ids.length; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = random() < zeros ? 0 : random() * 2 - 1;
      vectors[r * dim + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) vectors[r * dim + d] /= norm;
  }
  return { ids, dim, vectors };
}

const matrix = buildInteractionMatrix(ratings);
const models = {
  ease: trainEase(matrix, { lambda: 20, minCount: 2 }),
  liked: trainEase(buildInteractionMatrix(ratings, { minRating: 4 }), {
    lambda: 20,
    minCount: 2,
  }),
  itemknn: trainItemKnn(matrix),
  sequence: trainSequence(ratings),
  timeline: RatingTimeline.fromInteractions(ratings),
};
const sparseContent = embeddings(24, 0.85);
const denseContent = embeddings(19, 0);

const byUser = new Map<string, Interaction[]>();
for (const r of ratings) {
  const list = byUser.get(r.userId) ?? [];
  list.push(r);
  byUser.set(r.userId, list);
}
const now = 500 * DAY;
const histories: Interaction[][] = [
  byUser.get("u0")!,
  byUser.get("u3")!,
  byUser.get("u11")!.slice(0, 3),
  // a live user: likes, a view, a dislike and a content-only movie
  [
    { userId: "me", movieId: 5, type: "like", value: null, timestamp: now },
    { userId: "me", movieId: 9, type: "view", value: null, timestamp: now },
    { userId: "me", movieId: 13, type: "dislike", value: null, timestamp: now },
    { userId: "me", movieId: 85, type: "like", value: null, timestamp: now },
    { userId: "me", movieId: 21, type: "rating", value: 2, timestamp: now },
  ],
  // only movies the collaborative models never saw: content and popularity
  [{ userId: "me", movieId: 88, type: "like", value: null, timestamp: DAY }],
];
const optionSets: RecommendOptions[] = [
  { limit: 12 },
  {
    limit: 5,
    exclude: new Set([2, 4, 6, 8]),
    filter: (id) => id % 3 !== 0,
  },
];

/** [movieId, score, kind, because] per recommendation. */
type Pinned = [number, number, string, number[]][];

function run(content: EmbeddingMatrix | null): Pinned[] {
  const hybrid = new HybridRecommender(
    { ...models, content },
    { ...HYBRID_DEFAULTS, historyPivot: 5, halfLifeDays: 60 },
  );
  const out: Pinned[] = [];
  for (const history of histories) {
    for (const options of optionSets) {
      out.push(
        hybrid.recommend(history, options).map((r) => [
          r.movieId,
          r.score,
          r.explanation.kind,
          r.explanation.because,
        ]),
      );
    }
  }
  return out;
}

function assertPinned(actual: Pinned[], expected: Pinned[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.deepEqual(
      actual[i].map(([id, , kind, because]) => [id, kind, because]),
      expected[i].map(([id, , kind, because]) => [id, kind, because]),
      `case ${i}: ids, order and explanations`,
    );
    actual[i].forEach(([, score], j) => {
      const want = expected[i][j][1];
      assert.ok(
        Math.abs(score - want) <= 1e-6 * Math.max(1, Math.abs(want)),
        `case ${i}, rank ${j}: expected score ${want}, found ${score}`,
      );
    });
  }
}

// Recorded from the implementation before the serving path was optimised;
// regenerated when the liked model began to be fed liked movies only.
const SPARSE: Pinned[] = [[
  [12, 1.9130793809890747, "rated", [64, 68, 52]],
  [55, 1.8712471723556519, "rated", [26, 28]],
  [7, 1.863284945487976, "rated", [38, 26]],
  [76, 1.731359839439392, "rated", [68, 64, 52]],
  [40, 1.2779648303985596, "rated", [68, 64, 52]],
  [70, 1.1745606660842896, "rated", [38]],
  [46, 1.159073829650879, "rated", [43, 38, 32]],
  [58, 1.1290030479431152, "rated", [52, 38, 43]],
  [1, 1.1227473020553589, "rated", [26, 16]],
  [67, 1.0495902299880981, "rated", [64, 52, 43]],
  [72, 1.0478684902191162, "rated", [64, 68, 52]],
  [35, 1.039085865020752, "rated", [38, 16, 26]],
], [
  [55, 1.8712471723556519, "rated", [26, 28]],
  [7, 1.863284945487976, "rated", [38, 26]],
  [76, 1.731359839439392, "rated", [68, 64, 52]],
  [40, 1.2779648303985596, "rated", [68, 64, 52]],
  [70, 1.1745606660842896, "rated", [38]],
], [
  [80, 2.63907790184021, "rated", [76, 72, 64]],
  [19, 2.1693265438079834, "rated", [24, 8]],
  [41, 1.9900951385498047, "rated", [24, 21]],
  [35, 1.9543380737304688, "rated", [16, 21, 8]],
  [17, 1.7867108583450317, "rated", [24, 21, 8]],
  [58, 1.7405414581298828, "rated", [24]],
  [1, 1.6983288526535034, "rated", [16, 21, 8]],
  [10, 1.5556758642196655, "rated", [24, 8]],
  [54, 1.551700472831726, "rated", [24, 16, 8]],
  [18, 1.4665900468826294, "rated", [24, 8]],
  [25, 1.2908986806869507, "rated", [24, 21]],
  [78, 1.2837841510772705, "rated", [76, 72, 64]],
], [
  [80, 2.63907790184021, "rated", [76, 72, 64]],
  [19, 2.1693265438079834, "rated", [24, 8]],
  [41, 1.9900951385498047, "rated", [24, 21]],
  [35, 1.9543380737304688, "rated", [16, 21, 8]],
  [17, 1.7867108583450317, "rated", [24, 21, 8]],
], [
  [18, 1.2318427562713623, "rated", [14, 10, 2]],
  [17, 1.007590413093567, "rated", [14, 10, 2]],
  [26, 0.9647851586341858, "rated", [14, 10, 2]],
  [34, 0.929707944393158, "rated", [14, 10, 2]],
  [6, 0.9174196124076843, "rated", [10, 14, 2]],
  [15, 0.9032633304595947, "rated", [14, 10, 2]],
  [3, 0.8929548859596252, "rated", [2]],
  [12, 0.8290563225746155, "rated", [10, 2]],
  [22, 0.819287121295929, "rated", [14, 10, 2]],
  [5, 0.6943114995956421, "rated", [2]],
  [13, 0.6788241267204285, "rated", [10, 2]],
  [30, 0.6552153825759888, "rated", [14, 10, 2]],
], [
  [17, 1.007590413093567, "rated", [14, 10, 2]],
  [26, 0.9647851586341858, "rated", [14, 10, 2]],
  [34, 0.929707944393158, "rated", [14, 10, 2]],
  [22, 0.819287121295929, "rated", [14, 10, 2]],
  [5, 0.6943114995956421, "rated", [2]],
], [
  [7, 1.437930703163147, "liked", [5]],
  [2, 1.129679560661316, "liked", [5]],
  [8, 1.096763014793396, "liked", [5, 9]],
  [20, 1.0358154773712158, "liked", [5, 9]],
  [75, 0.9596384167671204, "liked", [5, 9]],
  [6, 0.942897379398346, "liked", [5]],
  [46, 0.8851076364517212, "liked", [5]],
  [29, 0.8511863350868225, "rated", [21, 5, 9]],
  [45, 0.8144392371177673, "liked", [5]],
  [25, 0.8088722229003906, "rated", [21, 9, 5]],
  [14, 0.7917385697364807, "rated", [9, 5]],
  [62, 0.7629980444908142, "liked", [5]],
], [
  [7, 1.437930703163147, "liked", [5]],
  [20, 1.0358154773712158, "liked", [5, 9]],
  [46, 0.8851076364517212, "liked", [5]],
  [29, 0.8511863350868225, "rated", [21, 5, 9]],
  [25, 0.8088722229003906, "rated", [21, 9, 5]],
], [
  [62, 0.20000000298023224, "liked", [88]],
  [2, 0.19707216322422028, "liked", [88]],
  [37, 0.19707216322422028, "liked", [88]],
  [5, 0.1779032051563263, "liked", [88]],
  [8, 0.12642672657966614, "liked", [88]],
  [65, 0.1248069554567337, "liked", [88]],
  [61, 0.0987270250916481, "liked", [88]],
  [64, 0.05717730522155762, "liked", [88]],
  [46, 0.05681546777486801, "liked", [88]],
  [30, 0.05077201873064041, "liked", [88]],
  [55, 0.04761267453432083, "liked", [88]],
  [71, 0.029065212234854698, "liked", [88]],
], [
  [62, 0.20000000298023224, "liked", [88]],
  [37, 0.19707216322422028, "liked", [88]],
  [5, 0.1779032051563263, "liked", [88]],
  [65, 0.1248069554567337, "liked", [88]],
  [61, 0.0987270250916481, "liked", [88]],
]];

const DENSE: Pinned[] = [[
  [55, 1.940691590309143, "rated", [26, 28]],
  [12, 1.9240204095840454, "rated", [64, 68, 52]],
  [7, 1.8322421312332153, "rated", [38, 26]],
  [76, 1.7586489915847778, "rated", [68, 64, 52]],
  [40, 1.2478113174438477, "rated", [68, 64, 52]],
  [70, 1.1695092916488647, "rated", [38]],
  [46, 1.1571762561798096, "rated", [43, 38, 32]],
  [1, 1.129836916923523, "rated", [26, 16]],
  [58, 1.114849328994751, "rated", [52, 38, 43]],
  [72, 1.0342518091201782, "rated", [64, 68, 52]],
  [35, 1.0313001871109009, "rated", [38, 16, 26]],
  [61, 0.9890434145927429, "rated", [52, 43, 32]],
], [
  [55, 1.940691590309143, "rated", [26, 28]],
  [7, 1.8322421312332153, "rated", [38, 26]],
  [76, 1.7586489915847778, "rated", [68, 64, 52]],
  [40, 1.2478113174438477, "rated", [68, 64, 52]],
  [70, 1.1695092916488647, "rated", [38]],
], [
  [80, 2.664757490158081, "rated", [76, 72, 64]],
  [19, 2.136496067047119, "rated", [24, 8]],
  [35, 1.986445426940918, "rated", [16, 21, 8]],
  [41, 1.9742761850357056, "rated", [24, 21]],
  [17, 1.7800004482269287, "rated", [24, 21, 8]],
  [1, 1.7449716329574585, "rated", [16, 21, 8]],
  [58, 1.7256923913955688, "rated", [24]],
  [10, 1.5324535369873047, "rated", [24, 8]],
  [54, 1.4832966327667236, "rated", [24, 16, 8]],
  [18, 1.4402168989181519, "rated", [24, 8]],
  [25, 1.3007643222808838, "rated", [24, 21]],
  [78, 1.278444528579712, "rated", [76, 72, 64]],
], [
  [80, 2.664757490158081, "rated", [76, 72, 64]],
  [19, 2.136496067047119, "rated", [24, 8]],
  [35, 1.986445426940918, "rated", [16, 21, 8]],
  [41, 1.9742761850357056, "rated", [24, 21]],
  [17, 1.7800004482269287, "rated", [24, 21, 8]],
], [
  [18, 1.2164933681488037, "rated", [14, 10, 2]],
  [26, 1.0539534091949463, "rated", [14, 10, 2]],
  [22, 0.9914373755455017, "rated", [14, 10, 2]],
  [12, 0.9334577322006226, "rated", [10, 2]],
  [15, 0.9220144152641296, "rated", [14, 10, 2]],
  [6, 0.9027918577194214, "rated", [10, 14, 2]],
  [3, 0.802605390548706, "rated", [2]],
  [25, 0.7793242335319519, "rated", [14, 10, 2]],
  [58, 0.7364062070846558, "rated", [14, 10]],
  [5, 0.7217243909835815, "rated", [2]],
  [62, 0.7126260995864868, "rated", [2, 10, 14]],
  [34, 0.6936390995979309, "rated", [14, 10, 2]],
], [
  [26, 1.0539534091949463, "rated", [14, 10, 2]],
  [22, 0.9914373755455017, "rated", [14, 10, 2]],
  [25, 0.7793242335319519, "rated", [14, 10, 2]],
  [58, 0.7364062070846558, "rated", [14, 10]],
  [5, 0.7217243909835815, "rated", [2]],
], [
  [7, 1.4403663873672485, "liked", [5]],
  [8, 1.1814377307891846, "liked", [5, 9]],
  [20, 1.0744138956069946, "liked", [5, 9]],
  [75, 1.0300487279891968, "liked", [5, 9]],
  [2, 1.0298534631729126, "liked", [5]],
  [29, 0.9308498501777649, "rated", [21, 5, 9]],
  [46, 0.930515706539154, "liked", [5]],
  [6, 0.8740305304527283, "liked", [5]],
  [45, 0.8374754190444946, "liked", [5]],
  [25, 0.7950230240821838, "rated", [21, 9, 5]],
  [18, 0.7808272838592529, "liked", [5]],
  [22, 0.7799946069717407, "rated", [21, 5, 9]],
], [
  [7, 1.4403663873672485, "liked", [5]],
  [20, 1.0744138956069946, "liked", [5, 9]],
  [29, 0.9308498501777649, "rated", [21, 5, 9]],
  [46, 0.930515706539154, "liked", [5]],
  [25, 0.7950230240821838, "rated", [21, 9, 5]],
], [
  [56, 0.20000000298023224, "liked", [88]],
  [15, 0.1873319149017334, "liked", [88]],
  [87, 0.171611949801445, "liked", [88]],
  [20, 0.16422992944717407, "liked", [88]],
  [63, 0.15614941716194153, "liked", [88]],
  [24, 0.13488759100437164, "liked", [88]],
  [51, 0.1278269737958908, "liked", [88]],
  [8, 0.12774664163589478, "liked", [88]],
  [34, 0.12579765915870667, "liked", [88]],
  [52, 0.12187997996807098, "liked", [88]],
  [5, 0.11935864388942719, "liked", [88]],
  [33, 0.09968409687280655, "liked", [88]],
], [
  [56, 0.20000000298023224, "liked", [88]],
  [20, 0.16422992944717407, "liked", [88]],
  [34, 0.12579765915870667, "liked", [88]],
  [52, 0.12187997996807098, "liked", [88]],
  [5, 0.11935864388942719, "liked", [88]],
]];

const NO_CONTENT: Pinned[] = [
  [
    [55, 1.942818522453308, "rated", [26, 28]],
    [12, 1.900052547454834, "rated", [64, 68, 52]],
    [7, 1.8878257274627686, "rated", [38, 26]],
    [76, 1.7464679479599, "rated", [68, 64, 52]],
    [40, 1.2366971969604492, "rated", [68, 64, 52]],
    [46, 1.190224051475525, "rated", [43, 38, 32]],
    [70, 1.1862713098526, "rated", [38]],
    [1, 1.1528146266937256, "rated", [26, 16]],
    [58, 1.1397701501846313, "rated", [52, 38, 43]],
    [72, 1.0563075542449951, "rated", [64, 68, 52]],
    [67, 1.0303637981414795, "rated", [64, 52, 43]],
    [35, 1.021321177482605, "rated", [38, 16, 26]],
  ],
  [
    [55, 1.942818522453308, "rated", [26, 28]],
    [7, 1.8878257274627686, "rated", [38, 26]],
    [76, 1.7464679479599, "rated", [68, 64, 52]],
    [40, 1.2366971969604492, "rated", [68, 64, 52]],
    [46, 1.190224051475525, "rated", [43, 38, 32]],
  ],
  [
    [80, 2.5922458171844482, "rated", [76, 72, 64]],
    [19, 2.166691780090332, "rated", [24, 8]],
    [41, 2.022890090942383, "rated", [24, 21]],
    [35, 1.9295580387115479, "rated", [16, 21, 8]],
    [17, 1.7377153635025024, "rated", [24, 21, 8]],
    [1, 1.6983288526535034, "rated", [16, 21, 8]],
    [58, 1.6470298767089844, "rated", [24]],
    [54, 1.551700472831726, "rated", [24, 16, 8]],
    [10, 1.538259744644165, "rated", [24, 8]],
    [18, 1.4708036184310913, "rated", [24, 8]],
    [25, 1.4015560150146484, "rated", [24, 21]],
    [78, 1.2728630304336548, "rated", [76, 72, 64]],
  ],
  [
    [80, 2.5922458171844482, "rated", [76, 72, 64]],
    [19, 2.166691780090332, "rated", [24, 8]],
    [41, 2.022890090942383, "rated", [24, 21]],
    [35, 1.9295580387115479, "rated", [16, 21, 8]],
    [17, 1.7377153635025024, "rated", [24, 21, 8]],
  ],
  [
    [18, 1.1292991638183594, "rated", [14, 10, 2]],
    [26, 1.112331748008728, "rated", [14, 10, 2]],
    [15, 0.9821462631225586, "rated", [14, 10, 2]],
    [17, 0.9800260066986084, "rated", [14, 10, 2]],
    [12, 0.8990872502326965, "rated", [10, 2]],
    [22, 0.819287121295929, "rated", [14, 10, 2]],
    [34, 0.8187206387519836, "rated", [14, 10, 2]],
    [3, 0.8178369402885437, "rated", [2]],
    [19, 0.7392833232879639, "rated", [14, 10, 2]],
    [6, 0.7287293076515198, "rated", [10, 14, 2]],
    [30, 0.7071415781974792, "rated", [14, 10, 2]],
    [58, 0.6871631145477295, "rated", [14, 10]],
  ],
  [
    [26, 1.112331748008728, "rated", [14, 10, 2]],
    [17, 0.9800260066986084, "rated", [14, 10, 2]],
    [22, 0.819287121295929, "rated", [14, 10, 2]],
    [34, 0.8187206387519836, "rated", [14, 10, 2]],
    [19, 0.7392833232879639, "rated", [14, 10, 2]],
  ],
  [
    [7, 1.367861032485962, "liked", [5]],
    [75, 1.0977545976638794, "liked", [5, 9]],
    [20, 1.0358154773712158, "liked", [5, 9]],
    [29, 1.0055594444274902, "rated", [21, 5, 9]],
    [8, 1.0044604539871216, "liked", [5, 9]],
    [2, 0.9319999814033508, "liked", [5]],
    [6, 0.9305278658866882, "liked", [5]],
    [45, 0.8207488656044006, "liked", [5]],
    [25, 0.8088722229003906, "rated", [21, 9, 5]],
    [46, 0.7985225319862366, "liked", [5]],
    [14, 0.7719779014587402, "rated", [9, 5]],
    [19, 0.7451302409172058, "rated", [9, 5]],
  ],
  [
    [7, 1.367861032485962, "liked", [5]],
    [20, 1.0358154773712158, "liked", [5, 9]],
    [29, 1.0055594444274902, "rated", [21, 5, 9]],
    [25, 0.8088722229003906, "rated", [21, 9, 5]],
    [46, 0.7985225319862366, "liked", [5]],
  ],
  [],
  [],
];

Deno.test("hybrid output is pinned with sparse content embeddings", () => {
  assertPinned(run(sparseContent), SPARSE);
});

Deno.test("hybrid output is pinned with dense content embeddings", () => {
  assertPinned(run(denseContent), DENSE);
});

Deno.test("hybrid output is pinned without content embeddings", () => {
  assertPinned(run(null), NO_CONTENT);
});

Deno.test("components() agrees with recommend() after a recommend call", () => {
  // recommend reuses buffers; components handed out must not be overwritten.
  const hybrid = new HybridRecommender({ ...models, content: sparseContent });
  const first = hybrid.components(histories[0]);
  const copy = first.ease!.slice();
  hybrid.recommend(histories[1], { limit: 5 });
  hybrid.components(histories[1]);
  assert.deepEqual(first.ease, copy);
  const ranked = hybrid.rank(first, hybrid.blend(first), { limit: 12 })
    .map((r) => hybrid.catalogue[r.index]);
  assert.deepEqual(
    ranked,
    hybrid.recommend(histories[0], { limit: 12 }).map((r) => r.movieId),
  );
});
