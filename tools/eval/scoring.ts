/**
 * Scores every method's rankings with the same metrics, bootstrap
 * intervals over users and paired differences to the hybrid, whatever
 * protocol produced them.
 */
import {
  bootstrapDifference,
  bootstrapInterval,
  catalogueCoverage,
  evaluateRankings,
  type Interval,
  meanPopularityRank,
  popularityRanks,
  type UserMetricName,
  userMetricNames,
} from "../../core/metrics.ts";

/** What a user put in before being recommended to (onboarding protocol). */
export interface Effort {
  /** Mean movies shown per user. */
  shown: number;
  /** Mean ratings given per user. */
  rated: number;
}

/** One method's results at one k. */
export interface MethodAtK {
  metrics: Record<UserMetricName, Interval>;
  coverage: number;
  novelty: number;
  /** Paired bootstrap of hybrid − this method on NDCG@k (absent for the hybrid). */
  hybridMinusThis?: Interval;
}

/** One method's results. */
export interface MethodResult {
  name: string;
  /** Training (and tuning) time in ms. */
  trainMs: number;
  /** Time to rank for every test user, in ms. */
  recommendMs: number;
  byK: Record<number, MethodAtK>;
  /** The users' effort, when the method asks them something. */
  effort?: Effort;
}

/** One method's top-k lists, by user. */
export interface RankedMethod {
  name: string;
  trainMs: number;
  recommendMs: number;
  rankings: Map<string, number[]>;
  effort?: Effort;
}

/** Options of `scoreMethods`. */
export interface ScoringOptions {
  /** Relevant held-out movies by user. */
  relevant: Map<string, Set<number>>;
  ks: number[];
  seed: number;
  /** Bootstrap resamples. */
  samples: number;
  catalogueSize: number;
  /** Training rating counts by movie (novelty). */
  counts: Map<number, number>;
}

/**
 * Metrics with 95% bootstrap intervals over users for every method at
 * every k, and the paired difference of the method named "hybrid" to each
 * other one.
 *
 * @example
 * ```ts
 * const results = scoreMethods(ranked, { relevant, ks: [10], seed: 42, samples: 1000, catalogueSize, counts });
 * ```
 */
export function scoreMethods(
  methods: RankedMethod[],
  options: ScoringOptions,
): MethodResult[] {
  const { relevant, seed, samples } = options;
  const popularity = popularityRanks(options.counts);
  const results: MethodResult[] = methods.map((m) => ({
    name: m.name,
    trainMs: m.trainMs,
    recommendMs: m.recommendMs,
    byK: {},
    ...(m.effort ? { effort: m.effort } : {}),
  }));
  const hybridIndex = methods.findIndex((m) => m.name === "hybrid");
  for (const k of options.ks) {
    const evaluations = methods.map((m) =>
      evaluateRankings(m.rankings, { relevant, k })
    );
    results.forEach((result, i) => {
      const ev = evaluations[i];
      const metrics = {} as Record<UserMetricName, Interval>;
      for (const name of userMetricNames) {
        metrics[name] = bootstrapInterval(ev.perUser[name], {
          seed: seed + k,
          samples,
        });
      }
      const at: MethodAtK = {
        metrics,
        coverage: catalogueCoverage(methods[i].rankings.values(), {
          k,
          catalogueSize: options.catalogueSize,
        }),
        novelty: meanPopularityRank(methods[i].rankings.values(), {
          k,
          popularityRank: popularity,
        }),
      };
      if (i !== hybridIndex && hybridIndex >= 0) {
        at.hybridMinusThis = bootstrapDifference(
          evaluations[hybridIndex].perUser.ndcg,
          ev.perUser.ndcg,
          { seed: seed + k, samples },
        );
      }
      result.byK[k] = at;
    });
  }
  return results;
}
