/**
 * The storage contract. Each adapter (SQLite, MongoDB) implements `Store`
 * and passes the one contract suite in `store/contract_test_suite.ts`.
 */
import type {
  EmbeddingMatrix,
  Interaction,
  Movie,
  MovieStats,
  MovieWithStats,
  ScoredMovie,
} from "../core/types.ts";

/**
 * "relevance": best title match first (`store/title_search.ts`), for a
 * query with `q`; without one it orders as "popular".
 */
export type MovieSort = "relevance" | "popular" | "rating" | "title" | "year";
export type SortOrder = "asc" | "desc";

/** Filters and paging for `MovieStore.query`. */
export interface MovieQuery {
  /**
   * Title search as people type it (`store/title_search.ts`): articles
   * optional, words in any order, folded case, accents and punctuation, a
   * correction when nothing matches.
   */
  q?: string;
  /** A movie matches when it has every listed genre. */
  genres?: string[];
  yearFrom?: number;
  yearTo?: number;
  /** Default "relevance" with `q`, "popular" without. */
  sort?: MovieSort;
  /**
   * Default: "desc" for popular, rating and year; "asc" for title. Ties break
   * by id; the opposite order reverses the whole list (store/movie_query.ts).
   */
  order?: SortOrder;
  offset: number;
  limit: number;
}

export interface MoviePage {
  items: MovieWithStats[];
  total: number;
  /**
   * When no title matched `q` as typed: the corrected query these movies
   * match ("Did you mean …"); null or absent otherwise.
   */
  correctedQuery?: string | null;
}

export interface GenreCount {
  genre: string;
  count: number;
}

export interface MovieStore {
  /** Inserts or replaces movies by id (stats are kept). */
  upsert(movies: Movie[]): Promise<void>;
  /** Replaces the statistics of the given movies. */
  putStats(stats: MovieStats[]): Promise<void>;
  get(id: number): Promise<MovieWithStats | null>;
  /** Movies in the order of `ids`; unknown ids are skipped. */
  getMany(ids: number[]): Promise<MovieWithStats[]>;
  query(query: MovieQuery): Promise<MoviePage>;
  /**
   * Builds the title search index now (it is built on the first search
   * otherwise: about a second for 87k titles), so that no visitor waits.
   */
  prepareSearch(): Promise<void>;
  /** Every genre with its number of movies, ordered by genre name. */
  genres(): Promise<GenreCount[]>;
  count(): Promise<number>;
  /** Every movie id, ascending. */
  ids(): Promise<number[]>;
}

/** One stored embedding row, with the hash of the text it was made from. */
export interface EmbeddingRow {
  movieId: number;
  /** Hash of the embedded text: unchanged text is not embedded again. */
  textHash: string;
  vector: Float32Array;
}

export interface EmbeddingStore {
  /** Inserts or replaces rows of one model (e.g. "tfidf", "minilm"). */
  put(model: string, rows: EmbeddingRow[]): Promise<void>;
  /** movieId → textHash for every row of the model. */
  hashes(model: string): Promise<Map<number, string>>;
  /** Every row of the model packed in one matrix, ordered by movie id. */
  load(model: string): Promise<EmbeddingMatrix | null>;
  /** Deletes the model's rows whose movie id is not in `keep`. */
  prune(model: string, keep: Set<number>): Promise<number>;
}

export interface InteractionStore {
  /**
   * Inserts or replaces by (userId, movieId, type): writing the same rows
   * twice leaves one copy.
   */
  upsert(rows: Interaction[]): Promise<void>;
  /** A user's interactions, newest first. */
  forUser(userId: string): Promise<Interaction[]>;
  /** Removes one type, or every type when `type` is omitted; returns how many. */
  remove(
    userId: string,
    movieId: number,
    type?: Interaction["type"],
  ): Promise<number>;
  count(): Promise<number>;
  /** Every interaction, in batches of at most `batchSize`, ordered by user then movie. */
  scan(batchSize?: number): AsyncIterable<Interaction[]>;
  /**
   * A token that changes whenever `userId`'s interactions may have changed,
   * by any writer, and costs far less than `forUser`; null when this store
   * cannot tell cheaply. Read it before the history it vouches for.
   * Optional: callers then read the history every time.
   */
  historyVersion?(userId: string): Promise<string | null>;
}

export interface NeighbourStore {
  /** Replaces the neighbour lists of the given movies. */
  put(rows: { movieId: number; neighbours: ScoredMovie[] }[]): Promise<void>;
  /** Up to `limit` neighbours, best first; [] when none were computed. */
  get(movieId: number, limit: number): Promise<ScoredMovie[]>;
}

/** Small key-value state (pipeline markers) and binary artifacts (models). */
export interface MetaStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  getBlob(key: string): Promise<Uint8Array | null>;
  setBlob(key: string, value: Uint8Array): Promise<void>;
}

/** Options of `VectorSearchCapability.nearest` and `.similar`. */
export interface NearestOptions {
  /** How many movies, best first (1 to 10 000). */
  k: number;
  /** Movies left out inside the search (a user's seen movies). */
  exclude?: Iterable<number>;
  /**
   * Candidates an approximate search visits; the backend's default when
   * omitted (Atlas: max(20·k, 100)).
   */
  numCandidates?: number;
}

/**
 * Nearest-neighbour search run by the backend over the embeddings it stores
 * (Atlas `$vectorSearch`), for catalogues too large for the API's memory.
 * Scores are cosine similarities, as in the in-memory search.
 */
export interface VectorSearchCapability {
  /** The movies of `model` nearest to `query` (unit length). */
  nearest(
    model: string,
    query: Float32Array,
    options: NearestOptions,
  ): Promise<ScoredMovie[]>;
  /**
   * The movies of `model` nearest to `movieId`'s own vector, itself left
   * out; [] when it has none.
   */
  similar(
    model: string,
    movieId: number,
    options: NearestOptions,
  ): Promise<ScoredMovie[]>;
  /** The stored vectors of those `movieIds` that have one, as a small matrix. */
  vectors(model: string, movieIds: readonly number[]): Promise<EmbeddingMatrix>;
}

export interface Store {
  readonly kind: "sqlite" | "mongodb";
  /**
   * Present when the backend can search vectors itself (the MongoDB adapter,
   * for Atlas); callers never name the adapter to reach it.
   */
  readonly vectorSearch?: VectorSearchCapability;
  movies: MovieStore;
  embeddings: EmbeddingStore;
  interactions: InteractionStore;
  neighbours: NeighbourStore;
  meta: MetaStore;
  /** Runs `work` so that it lands whole or not at all where the backend allows. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Checks the backend answers; throws when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Object storage for the dataset cache and artifacts (folder or GCS). */
export interface ObjectStorage {
  readonly description: string;
  exists(key: string): Promise<boolean>;
  read(key: string): Promise<Uint8Array | null>;
  write(key: string, data: Uint8Array): Promise<void>;
}
