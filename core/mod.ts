/**
 * core: pure domain logic shared by pipeline, api and web. No I/O, no env.
 * @module
 */
export * from "./types.ts";
export * from "./vector.ts";
export * from "./top_k.ts";
export * from "./profile.ts";
export * from "./popularity.ts";
export * from "./explain.ts";
export * from "./recommender.ts";
export * from "./content.ts";
export * from "./popular.ts";
