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
// regenerated when the liked model began to be fed liked movies only, and
// when the time reference became the serving time (no longer the history's).
const SPARSE: Pinned[] = [
  [
    [76, 3.6437275409698486, "rated", [68, 64, 52]],
    [72, 2.223903179168701, "rated", [64, 68, 52]],
    [35, 2.1612892150878906, "rated", [38, 16, 26]],
    [12, 1.8741014003753662, "rated", [64, 68, 52]],
    [55, 1.871238350868225, "rated", [26, 28]],
    [7, 1.83162522315979, "rated", [38, 26]],
    [80, 1.7522382736206055, "rated", [64, 68, 52]],
    [36, 1.4004578590393066, "rated", [64, 68, 52]],
    [40, 1.2728294134140015, "rated", [68, 64, 52]],
    [70, 1.2555606365203857, "rated", [38]],
    [46, 1.2297465801239014, "rated", [43, 38, 32]],
    [58, 1.1763083934783936, "rated", [52, 38, 43]],
  ],
  [
    [76, 3.6437275409698486, "rated", [68, 64, 52]],
    [35, 2.1612892150878906, "rated", [38, 16, 26]],
    [55, 1.871238350868225, "rated", [26, 28]],
    [7, 1.83162522315979, "rated", [38, 26]],
    [80, 1.7522382736206055, "rated", [64, 68, 52]],
  ],
  [
    [80, 2.684711456298828, "rated", [76, 72, 64]],
    [19, 2.1770875453948975, "rated", [24, 8]],
    [41, 1.9964722394943237, "rated", [24, 21]],
    [35, 1.959254503250122, "rated", [16, 21, 8]],
    [17, 1.795468807220459, "rated", [24, 21, 8]],
    [58, 1.743802785873413, "rated", [24]],
    [54, 1.6757656335830688, "rated", [24, 16, 8]],
    [1, 1.6519700288772583, "rated", [16, 21, 8]],
    [10, 1.4747847318649292, "rated", [24, 8]],
    [18, 1.4281550645828247, "rated", [24, 8]],
    [78, 1.4053925275802612, "rated", [76, 72, 64]],
    [25, 1.2972757816314697, "rated", [24, 21]],
  ],
  [
    [80, 2.684711456298828, "rated", [76, 72, 64]],
    [19, 2.1770875453948975, "rated", [24, 8]],
    [41, 1.9964722394943237, "rated", [24, 21]],
    [35, 1.959254503250122, "rated", [16, 21, 8]],
    [17, 1.795468807220459, "rated", [24, 21, 8]],
  ],
  [
    [18, 1.179598093032837, "rated", [14, 10, 2]],
    [17, 0.9769419431686401, "rated", [14, 10, 2]],
    [15, 0.9054162502288818, "rated", [14, 10, 2]],
    [34, 0.9046456217765808, "rated", [14, 10, 2]],
    [26, 0.8899768590927124, "rated", [14, 10, 2]],
    [6, 0.8350000977516174, "rated", [10, 14, 2]],
    [22, 0.8230891823768616, "rated", [14, 10, 2]],
    [3, 0.8217134475708008, "rated", [2]],
    [12, 0.7741134166717529, "rated", [10, 2]],
    [74, 0.6783782839775085, "rated", [10, 2, 14]],
    [5, 0.6595146059989929, "rated", [2]],
    [33, 0.6514045000076294, "rated", [14, 10, 2]],
  ],
  [
    [17, 0.9769419431686401, "rated", [14, 10, 2]],
    [34, 0.9046456217765808, "rated", [14, 10, 2]],
    [26, 0.8899768590927124, "rated", [14, 10, 2]],
    [22, 0.8230891823768616, "rated", [14, 10, 2]],
    [74, 0.6783782839775085, "rated", [10, 2, 14]],
  ],
  [
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
  ],
  [
    [7, 1.437930703163147, "liked", [5]],
    [20, 1.0358154773712158, "liked", [5, 9]],
    [46, 0.8851076364517212, "liked", [5]],
    [29, 0.8511863350868225, "rated", [21, 5, 9]],
    [25, 0.8088722229003906, "rated", [21, 9, 5]],
  ],
  [
    [62, 0.5533590316772461, "liked", [88]],
    [2, 0.48451730608940125, "liked", [88]],
    [37, 0.4615832269191742, "liked", [88]],
    [5, 0.44276559352874756, "liked", [88]],
    [8, 0.3462982773780823, "liked", [88]],
    [65, 0.3093392848968506, "liked", [88]],
    [61, 0.28441321849823, "liked", [88]],
    [46, 0.2704389691352844, "liked", [88]],
    [55, 0.23173782229423523, "liked", [88]],
    [42, 0.20622898638248444, "liked", [88]],
    [70, 0.20552441477775574, "liked", [88]],
    [64, 0.20306812226772308, "liked", [88]],
  ],
  [
    [62, 0.5533590316772461, "liked", [88]],
    [37, 0.4615832269191742, "liked", [88]],
    [5, 0.44276559352874756, "liked", [88]],
    [65, 0.3093392848968506, "liked", [88]],
    [61, 0.28441321849823, "liked", [88]],
  ],
];

const DENSE: Pinned[] = [
  [
    [76, 3.69830584526062, "rated", [68, 64, 52]],
    [72, 2.196669578552246, "rated", [64, 68, 52]],
    [35, 2.1457178592681885, "rated", [38, 16, 26]],
    [55, 1.9406827688217163, "rated", [26, 28]],
    [12, 1.885042428970337, "rated", [64, 68, 52]],
    [7, 1.8005825281143188, "rated", [38, 26]],
    [80, 1.7630870342254639, "rated", [64, 68, 52]],
    [36, 1.3453423976898193, "rated", [64, 68, 52]],
    [70, 1.250509262084961, "rated", [38]],
    [40, 1.242676019668579, "rated", [68, 64, 52]],
    [46, 1.2278488874435425, "rated", [43, 38, 32]],
    [58, 1.1621546745300293, "rated", [52, 38, 43]],
  ],
  [
    [76, 3.69830584526062, "rated", [68, 64, 52]],
    [35, 2.1457178592681885, "rated", [38, 16, 26]],
    [55, 1.9406827688217163, "rated", [26, 28]],
    [7, 1.8005825281143188, "rated", [38, 26]],
    [80, 1.7630870342254639, "rated", [64, 68, 52]],
  ],
  [
    [80, 2.710391044616699, "rated", [76, 72, 64]],
    [19, 2.144257068634033, "rated", [24, 8]],
    [35, 1.9913618564605713, "rated", [16, 21, 8]],
    [41, 1.9806532859802246, "rated", [24, 21]],
    [17, 1.788758397102356, "rated", [24, 21, 8]],
    [58, 1.7289537191390991, "rated", [24]],
    [1, 1.698612928390503, "rated", [16, 21, 8]],
    [54, 1.6073616743087769, "rated", [24, 16, 8]],
    [10, 1.4515622854232788, "rated", [24, 8]],
    [18, 1.4017819166183472, "rated", [24, 8]],
    [78, 1.4000529050827026, "rated", [76, 72, 64]],
    [25, 1.3071415424346924, "rated", [24, 21]],
  ],
  [
    [80, 2.710391044616699, "rated", [76, 72, 64]],
    [19, 2.144257068634033, "rated", [24, 8]],
    [35, 1.9913618564605713, "rated", [16, 21, 8]],
    [41, 1.9806532859802246, "rated", [24, 21]],
    [17, 1.788758397102356, "rated", [24, 21, 8]],
  ],
  [
    [18, 1.1642487049102783, "rated", [14, 10, 2]],
    [22, 0.9952393770217896, "rated", [14, 10, 2]],
    [26, 0.9791451692581177, "rated", [14, 10, 2]],
    [15, 0.924167275428772, "rated", [14, 10, 2]],
    [12, 0.8785148859024048, "rated", [10, 2]],
    [6, 0.8203724026679993, "rated", [10, 14, 2]],
    [62, 0.7323296666145325, "rated", [2, 10, 14]],
    [3, 0.7313639521598816, "rated", [2]],
    [58, 0.7272539734840393, "rated", [14, 10]],
    [25, 0.7266687154769897, "rated", [14, 10, 2]],
    [74, 0.7054895758628845, "rated", [10, 2, 14]],
    [5, 0.6869275569915771, "rated", [2]],
  ],
  [
    [22, 0.9952393770217896, "rated", [14, 10, 2]],
    [26, 0.9791451692581177, "rated", [14, 10, 2]],
    [62, 0.7323296666145325, "rated", [2, 10, 14]],
    [58, 0.7272539734840393, "rated", [14, 10]],
    [25, 0.7266687154769897, "rated", [14, 10, 2]],
  ],
  [
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
  ],
  [
    [7, 1.4403663873672485, "liked", [5]],
    [20, 1.0744138956069946, "liked", [5, 9]],
    [29, 0.9308498501777649, "rated", [21, 5, 9]],
    [46, 0.930515706539154, "liked", [5]],
    [25, 0.7950230240821838, "rated", [21, 9, 5]],
  ],
  [
    [56, 0.478725403547287, "liked", [88]],
    [15, 0.4666111469268799, "liked", [88]],
    [63, 0.4260391891002655, "liked", [88]],
    [20, 0.4154190123081207, "liked", [88]],
    [51, 0.38568076491355896, "liked", [88]],
    [34, 0.37976139783859253, "liked", [88]],
    [8, 0.34893810749053955, "liked", [88]],
    [24, 0.3460438549518585, "liked", [88]],
    [5, 0.32567644119262695, "liked", [88]],
    [52, 0.32475993037223816, "liked", [88]],
    [33, 0.3062596619129181, "liked", [88]],
    [42, 0.2860448658466339, "liked", [88]],
  ],
  [
    [56, 0.478725403547287, "liked", [88]],
    [20, 0.4154190123081207, "liked", [88]],
    [34, 0.37976139783859253, "liked", [88]],
    [5, 0.32567644119262695, "liked", [88]],
    [52, 0.32475993037223816, "liked", [88]],
  ],
];

const NO_CONTENT: Pinned[] = [
  [
    [76, 3.6739439964294434, "rated", [68, 64, 52]],
    [72, 2.240781307220459, "rated", [64, 68, 52]],
    [35, 2.125760078430176, "rated", [38, 16, 26]],
    [55, 1.942809820175171, "rated", [26, 28]],
    [12, 1.8610745668411255, "rated", [64, 68, 52]],
    [7, 1.8561660051345825, "rated", [38, 26]],
    [80, 1.7174029350280762, "rated", [64, 68, 52]],
    [36, 1.3683083057403564, "rated", [64, 68, 52]],
    [70, 1.2672712802886963, "rated", [38]],
    [46, 1.2608966827392578, "rated", [43, 38, 32]],
    [40, 1.2315618991851807, "rated", [68, 64, 52]],
    [58, 1.1870754957199097, "rated", [52, 38, 43]],
  ],
  [
    [76, 3.6739439964294434, "rated", [68, 64, 52]],
    [35, 2.125760078430176, "rated", [38, 16, 26]],
    [55, 1.942809820175171, "rated", [26, 28]],
    [7, 1.8561660051345825, "rated", [38, 26]],
    [80, 1.7174029350280762, "rated", [64, 68, 52]],
  ],
  [
    [80, 2.6378793716430664, "rated", [76, 72, 64]],
    [19, 2.174452781677246, "rated", [24, 8]],
    [41, 2.0292670726776123, "rated", [24, 21]],
    [35, 1.9344744682312012, "rated", [16, 21, 8]],
    [17, 1.7464733123779297, "rated", [24, 21, 8]],
    [54, 1.6757656335830688, "rated", [24, 16, 8]],
    [1, 1.6519700288772583, "rated", [16, 21, 8]],
    [58, 1.6502912044525146, "rated", [24]],
    [10, 1.4573684930801392, "rated", [24, 8]],
    [18, 1.4323686361312866, "rated", [24, 8]],
    [25, 1.4079331159591675, "rated", [24, 21]],
    [78, 1.3944714069366455, "rated", [76, 72, 64]],
  ],
  [
    [80, 2.6378793716430664, "rated", [76, 72, 64]],
    [19, 2.174452781677246, "rated", [24, 8]],
    [41, 2.0292670726776123, "rated", [24, 21]],
    [35, 1.9344744682312012, "rated", [16, 21, 8]],
    [17, 1.7464733123779297, "rated", [24, 21, 8]],
  ],
  [
    [18, 1.0770543813705444, "rated", [14, 10, 2]],
    [26, 1.0375235080718994, "rated", [14, 10, 2]],
    [15, 0.9842991232872009, "rated", [14, 10, 2]],
    [17, 0.9493775367736816, "rated", [14, 10, 2]],
    [12, 0.844144344329834, "rated", [10, 2]],
    [22, 0.8230891823768616, "rated", [14, 10, 2]],
    [34, 0.7936583757400513, "rated", [14, 10, 2]],
    [3, 0.7465955018997192, "rated", [2]],
    [74, 0.6783782839775085, "rated", [10, 2, 14]],
    [58, 0.6780109405517578, "rated", [14, 10]],
    [19, 0.656863808631897, "rated", [14, 10, 2]],
    [6, 0.6463098526000977, "rated", [10, 14, 2]],
  ],
  [
    [26, 1.0375235080718994, "rated", [14, 10, 2]],
    [17, 0.9493775367736816, "rated", [14, 10, 2]],
    [22, 0.8230891823768616, "rated", [14, 10, 2]],
    [34, 0.7936583757400513, "rated", [14, 10, 2]],
    [74, 0.6783782839775085, "rated", [10, 2, 14]],
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
