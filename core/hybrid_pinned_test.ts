/**
 * Pins the hybrid's output (ids, order, scores, explanations) on a small
 * seeded model, so that faster serving code must return exactly what the
 * straightforward implementation returned. The expected lists were recorded
 * from that implementation; regenerate them only for an intended change of
 * results.
 */
import assert from "node:assert/strict";
import { trainEase } from "./ease.ts";
import { HYBRID_DEFAULTS, HybridRecommender } from "./hybrid.ts";
import { buildInteractionMatrix } from "./interaction_matrix.ts";
import { trainItemKnn } from "./itemknn.ts";
import type { RecommendOptions } from "./recommender.ts";
import { trainSequence } from "./sequence.ts";
import { RatingTimeline } from "./timeline.ts";
import type { EmbeddingMatrix, Interaction } from "./types.ts";

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

// Recorded from the implementation before the serving path was optimised.
const SPARSE: Pinned[] = [[
  [12, 2.241945266723633, "rated", [68, 32, 52]],
  [53, 1.8325802087783813, "rated", [68, 64, 52]],
  [76, 1.792798399925232, "rated", [68, 28, 52]],
  [55, 1.697470784187317, "rated", [43, 68, 26]],
  [40, 1.5221905708312988, "rated", [68, 64, 52]],
  [1, 1.4980500936508179, "rated", [64, 32, 43]],
  [72, 1.3726003170013428, "rated", [64, 68, 52]],
  [58, 1.3079735040664673, "rated", [68, 17, 26]],
  [18, 1.142460584640503, "rated", [64, 52, 24]],
  [47, 1.1091619729995728, "rated", [43, 38, 26]],
  [42, 1.1022225618362427, "rated", [64, 52, 8]],
  [11, 1.0607150793075562, "rated", [68, 52, 32]],
], [
  [53, 1.8325802087783813, "rated", [68, 64, 52]],
  [76, 1.792798399925232, "rated", [68, 28, 52]],
  [55, 1.697470784187317, "rated", [43, 68, 26]],
  [40, 1.5221905708312988, "rated", [68, 64, 52]],
  [1, 1.4980500936508179, "rated", [64, 32, 43]],
], [
  [80, 3.274432420730591, "rated", [76, 72, 64]],
  [36, 2.666386127471924, "rated", [76, 52, 59]],
  [68, 2.5095391273498535, "rated", [76, 72, 52]],
  [19, 2.184119701385498, "rated", [72, 59, 64]],
  [32, 2.113253116607666, "rated", [76, 50, 64]],
  [55, 2.039741277694702, "rated", [72, 76, 29]],
  [78, 1.6866307258605957, "rated", [76, 72, 64]],
  [62, 1.6273468732833862, "rated", [76, 72, 48]],
  [11, 1.6070066690444946, "rated", [59, 76, 52]],
  [61, 1.5062137842178345, "rated", [59, 57, 56]],
  [53, 1.4875836372375488, "rated", [76, 72, 64]],
  [18, 1.3466631174087524, "rated", [64, 59, 52]],
], [
  [80, 3.274432420730591, "rated", [76, 72, 64]],
  [68, 2.5095391273498535, "rated", [76, 72, 52]],
  [19, 2.184119701385498, "rated", [72, 59, 64]],
  [32, 2.113253116607666, "rated", [76, 50, 64]],
  [55, 2.039741277694702, "rated", [72, 76, 29]],
], [
  [3, 1.5733164548873901, "rated", [10, 14, 2]],
  [22, 1.3997873067855835, "rated", [10, 14, 2]],
  [18, 1.3468303680419922, "rated", [14, 10, 2]],
  [30, 1.3146705627441406, "rated", [10, 2, 14]],
  [54, 1.2625092267990112, "rated", [14, 2, 10]],
  [25, 1.2501590251922607, "rated", [14, 2, 10]],
  [5, 1.2344443798065186, "rated", [2, 10, 14]],
  [51, 1.0205047130584717, "rated", [2, 14]],
  [26, 1.0120646953582764, "rated", [14, 10, 2]],
  [34, 0.9635117053985596, "rated", [14, 10, 2]],
  [31, 0.9574756026268005, "rated", [14, 10, 2]],
  [6, 0.9415344595909119, "rated", [10, 14, 2]],
], [
  [22, 1.3997873067855835, "rated", [10, 14, 2]],
  [25, 1.2501590251922607, "rated", [14, 2, 10]],
  [5, 1.2344443798065186, "rated", [2, 10, 14]],
  [26, 1.0120646953582764, "rated", [14, 10, 2]],
  [34, 0.9635117053985596, "rated", [14, 10, 2]],
], [
  [7, 1.4074900150299072, "liked", [5, 21]],
  [2, 1.1857149600982666, "liked", [5, 21]],
  [25, 1.151578426361084, "rated", [21, 9, 5]],
  [8, 1.1463022232055664, "rated", [21, 5, 9]],
  [6, 1.1343845129013062, "liked", [5]],
  [75, 0.9596384167671204, "liked", [5, 21, 9]],
  [14, 0.9518944621086121, "rated", [21, 5]],
  [17, 0.9209983944892883, "rated", [21, 9]],
  [22, 0.9058091044425964, "rated", [21, 5]],
  [29, 0.8468834161758423, "rated", [21, 5, 9]],
  [33, 0.7513766884803772, "rated", [21, 9, 5]],
  [37, 0.7232726216316223, "rated", [21, 9, 5]],
], [
  [7, 1.4074900150299072, "liked", [5, 21]],
  [25, 1.151578426361084, "rated", [21, 9, 5]],
  [14, 0.9518944621086121, "rated", [21, 5]],
  [17, 0.9209983944892883, "rated", [21, 9]],
  [22, 0.9058091044425964, "rated", [21, 5]],
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
  [12, 2.2528862953186035, "rated", [68, 32, 52]],
  [53, 1.882274866104126, "rated", [68, 64, 52]],
  [76, 1.8200875520706177, "rated", [68, 28, 52]],
  [55, 1.766915202140808, "rated", [43, 68, 26]],
  [1, 1.505139708518982, "rated", [64, 32, 43]],
  [40, 1.4920371770858765, "rated", [68, 64, 52]],
  [72, 1.3589835166931152, "rated", [64, 68, 52]],
  [58, 1.293819785118103, "rated", [68, 17, 26]],
  [18, 1.0912574529647827, "rated", [64, 52, 24]],
  [10, 1.0758192539215088, "rated", [64, 43, 32]],
  [42, 1.07542884349823, "rated", [64, 52, 8]],
  [47, 0.9908338189125061, "rated", [43, 38, 26]],
], [
  [53, 1.882274866104126, "rated", [68, 64, 52]],
  [76, 1.8200875520706177, "rated", [68, 28, 52]],
  [55, 1.766915202140808, "rated", [43, 68, 26]],
  [1, 1.505139708518982, "rated", [64, 32, 43]],
  [40, 1.4920371770858765, "rated", [68, 64, 52]],
], [
  [80, 3.300112009048462, "rated", [76, 72, 64]],
  [36, 2.6618146896362305, "rated", [76, 52, 59]],
  [68, 2.5794360637664795, "rated", [76, 72, 52]],
  [19, 2.151289224624634, "rated", [72, 59, 64]],
  [32, 2.0693492889404297, "rated", [76, 50, 64]],
  [55, 2.0079708099365234, "rated", [72, 76, 29]],
  [78, 1.681291103363037, "rated", [76, 72, 64]],
  [53, 1.611704707145691, "rated", [76, 72, 64]],
  [11, 1.5325250625610352, "rated", [59, 76, 52]],
  [62, 1.5094258785247803, "rated", [76, 72, 48]],
  [61, 1.50359308719635, "rated", [59, 57, 56]],
  [67, 1.3961913585662842, "rated", [59, 64, 56]],
], [
  [80, 3.300112009048462, "rated", [76, 72, 64]],
  [68, 2.5794360637664795, "rated", [76, 72, 52]],
  [19, 2.151289224624634, "rated", [72, 59, 64]],
  [32, 2.0693492889404297, "rated", [76, 50, 64]],
  [55, 2.0079708099365234, "rated", [72, 76, 29]],
], [
  [22, 1.5719374418258667, "rated", [10, 14, 2]],
  [3, 1.4829670190811157, "rated", [10, 14, 2]],
  [25, 1.3979417085647583, "rated", [14, 2, 10]],
  [18, 1.3314809799194336, "rated", [14, 10, 2]],
  [30, 1.3220233917236328, "rated", [10, 2, 14]],
  [54, 1.2650129795074463, "rated", [14, 2, 10]],
  [5, 1.261857271194458, "rated", [2, 10, 14]],
  [26, 1.1012330055236816, "rated", [14, 10, 2]],
  [58, 0.9877186417579651, "rated", [14, 10]],
  [51, 0.9635828733444214, "rated", [2, 14]],
  [12, 0.9612431526184082, "rated", [10, 2]],
  [6, 0.9269067645072937, "rated", [10, 14, 2]],
], [
  [22, 1.5719374418258667, "rated", [10, 14, 2]],
  [25, 1.3979417085647583, "rated", [14, 2, 10]],
  [5, 1.261857271194458, "rated", [2, 10, 14]],
  [26, 1.1012330055236816, "rated", [14, 10, 2]],
  [58, 0.9877186417579651, "rated", [14, 10]],
], [
  [7, 1.4099256992340088, "liked", [5, 21]],
  [8, 1.2309770584106445, "rated", [21, 5, 9]],
  [25, 1.1377291679382324, "rated", [21, 9, 5]],
  [2, 1.0858888626098633, "liked", [5, 21]],
  [6, 1.0655176639556885, "liked", [5]],
  [75, 1.0300487279891968, "liked", [5, 21, 9]],
  [22, 0.9801681041717529, "rated", [21, 5]],
  [14, 0.9291059970855713, "rated", [21, 5]],
  [29, 0.9265468716621399, "rated", [21, 5, 9]],
  [33, 0.8428991436958313, "rated", [21, 9, 5]],
  [16, 0.8403517007827759, "rated", [21]],
  [17, 0.8155059218406677, "rated", [21, 9]],
], [
  [7, 1.4099256992340088, "liked", [5, 21]],
  [25, 1.1377291679382324, "rated", [21, 9, 5]],
  [22, 0.9801681041717529, "rated", [21, 5]],
  [14, 0.9291059970855713, "rated", [21, 5]],
  [29, 0.9265468716621399, "rated", [21, 5, 9]],
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
    [12, 2.2289185523986816, "rated", [68, 32, 52]],
    [53, 1.8223552703857422, "rated", [68, 64, 52]],
    [76, 1.8079065084457397, "rated", [68, 28, 52]],
    [55, 1.7690421342849731, "rated", [43, 68, 26]],
    [1, 1.5281174182891846, "rated", [64, 32, 43]],
    [40, 1.480923056602478, "rated", [68, 64, 52]],
    [72, 1.3810393810272217, "rated", [64, 68, 52]],
    [58, 1.3187404870986938, "rated", [68, 17, 26]],
    [18, 1.1356037855148315, "rated", [64, 52, 24]],
    [10, 1.1281365156173706, "rated", [64, 43, 32]],
    [47, 1.0739936828613281, "rated", [43, 38, 26]],
    [42, 1.0597901344299316, "rated", [64, 52, 8]],
  ],
  [
    [53, 1.8223552703857422, "rated", [68, 64, 52]],
    [76, 1.8079065084457397, "rated", [68, 28, 52]],
    [55, 1.7690421342849731, "rated", [43, 68, 26]],
    [1, 1.5281174182891846, "rated", [64, 32, 43]],
    [40, 1.480923056602478, "rated", [68, 64, 52]],
  ],
  [
    [80, 3.227600336074829, "rated", [76, 72, 64]],
    [36, 2.6141281127929688, "rated", [76, 52, 59]],
    [68, 2.506531238555908, "rated", [76, 72, 52]],
    [19, 2.1814849376678467, "rated", [72, 59, 64]],
    [32, 2.1039791107177734, "rated", [76, 50, 64]],
    [55, 2.03517484664917, "rated", [72, 76, 29]],
    [78, 1.67570960521698, "rated", [76, 72, 64]],
    [62, 1.6472562551498413, "rated", [76, 72, 48]],
    [11, 1.6087143421173096, "rated", [59, 76, 52]],
    [53, 1.5660502910614014, "rated", [76, 72, 64]],
    [61, 1.469921350479126, "rated", [59, 57, 56]],
    [67, 1.372025966644287, "rated", [59, 64, 56]],
  ],
  [
    [80, 3.227600336074829, "rated", [76, 72, 64]],
    [68, 2.506531238555908, "rated", [76, 72, 52]],
    [19, 2.1814849376678467, "rated", [72, 59, 64]],
    [32, 2.1039791107177734, "rated", [76, 50, 64]],
    [55, 2.03517484664917, "rated", [72, 76, 29]],
  ],
  [
    [3, 1.4981985092163086, "rated", [10, 14, 2]],
    [22, 1.3997873067855835, "rated", [10, 14, 2]],
    [30, 1.3665968179702759, "rated", [10, 2, 14]],
    [54, 1.2625092267990112, "rated", [14, 2, 10]],
    [25, 1.2501590251922607, "rated", [14, 2, 10]],
    [18, 1.2442867755889893, "rated", [14, 10, 2]],
    [26, 1.1596113443374634, "rated", [14, 10, 2]],
    [5, 1.0394409894943237, "rated", [2, 10, 14]],
    [51, 1.011941909790039, "rated", [2, 14]],
    [31, 0.9574756026268005, "rated", [14, 10, 2]],
    [58, 0.9384756088256836, "rated", [14, 10]],
    [12, 0.9268726110458374, "rated", [10, 2]],
  ],
  [
    [22, 1.3997873067855835, "rated", [10, 14, 2]],
    [25, 1.2501590251922607, "rated", [14, 2, 10]],
    [26, 1.1596113443374634, "rated", [14, 10, 2]],
    [5, 1.0394409894943237, "rated", [2, 10, 14]],
    [31, 0.9574756026268005, "rated", [14, 10, 2]],
  ],
  [
    [7, 1.3374204635620117, "liked", [5, 21]],
    [25, 1.151578426361084, "rated", [21, 9, 5]],
    [6, 1.1220149993896484, "liked", [5]],
    [75, 1.0977545976638794, "liked", [5, 21, 9]],
    [8, 1.0539997816085815, "rated", [21, 5, 9]],
    [29, 1.0012564659118652, "rated", [21, 5, 9]],
    [2, 0.9880354404449463, "liked", [5, 21]],
    [14, 0.9321337938308716, "rated", [21, 5]],
    [17, 0.9116191267967224, "rated", [21, 9]],
    [22, 0.9068523645401001, "rated", [21, 5]],
    [33, 0.8093554377555847, "rated", [21, 9, 5]],
    [16, 0.7980439066886902, "rated", [21]],
  ],
  [
    [7, 1.3374204635620117, "liked", [5, 21]],
    [25, 1.151578426361084, "rated", [21, 9, 5]],
    [29, 1.0012564659118652, "rated", [21, 5, 9]],
    [14, 0.9321337938308716, "rated", [21, 5]],
    [17, 0.9116191267967224, "rated", [21, 9]],
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
