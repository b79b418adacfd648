/**
 * core: pure domain logic shared by pipeline, api and web. No I/O, no env.
 * @module
 */
export * from "./types.ts";
export * from "./vectors/vector.ts";
export * from "./vectors/top_k.ts";
export * from "./profile.ts";
export * from "./skips.ts";
export * from "./movie_stats.ts";
export * from "./explain.ts";
export * from "./recommender.ts";
export * from "./recommenders/content.ts";
export * from "./recommenders/popular.ts";
