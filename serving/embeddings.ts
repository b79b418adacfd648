/**
 * Which embeddings serving uses and where they come from at start. The model
 * is the one the served hybrid was tuned with (recorded by training), so
 * serving can never hand the hybrid another content matrix; the vectors come
 * from the compact serving artifact the pipeline wrote to object storage
 * (one object: packed ids, vectors and neighbours), or, when it is missing,
 * invalid or for another model, from the store's embedding rows.
 *
 * Rating statistics stay with the store's movie rows: serving reads those
 * rows anyway for titles and genres (the artifact has neither), and the
 * store keeps them in double precision, so popularity ties break as before.
 * @module
 */
import { allocateVectors } from "../core/vectors/score_kernel.ts";
import type { EmbeddingMatrix, ScoredMovie } from "../core/types.ts";
import {
  type DecodedServingArtifact,
  decodeServingArtifact,
  neighboursAt,
  type PackedNeighbours,
  rowIndex,
  ServingArtifactError,
  servingArtifactKey,
} from "../store/serving_artifact.ts";
import { loadHybridSettings } from "../store/models.ts";
import type { ObjectStorage, Store } from "../store/types.ts";
import type { ServingLogger as Logger } from "./log.ts";

/** Precomputed neighbour lists held in memory, as the artifact packs them. */
export class ArtifactNeighbours {
  readonly #rows: Map<number, number>;

  constructor(ids: Int32Array, readonly packed: PackedNeighbours) {
    this.#rows = rowIndex(ids);
  }

  /** Up to `limit` neighbours, best first; null when the movie has no row. */
  get(movieId: number, limit: number): ScoredMovie[] | null {
    const row = this.#rows.get(movieId);
    return row === undefined
      ? null
      : neighboursAt(this.packed, row).slice(0, limit);
  }
}

/** The embeddings serving starts with. */
export interface ServingEmbeddings {
  /** "artifact": one object from object storage; "store": embedding rows. */
  source: "artifact" | "store" | "none";
  /** Embedding model of `matrix`, or null. */
  model: string | null;
  matrix: EmbeddingMatrix | null;
  /** The artifact's neighbour lists; null: ask `store.neighbours`. */
  neighbours: ArtifactNeighbours | null;
}

/** Options of `loadServingEmbeddings`. */
export interface LoadServingEmbeddingsOptions {
  /** The embedding model to load (`servedEmbeddingModel`); null: none. */
  model: string | null;
  /** Where the pipeline wrote the artifact; without it, the store is read. */
  objects?: ObjectStorage;
  logger?: Logger;
}

/** Models looked for, in this order, in a store trained before models recorded theirs. */
const KNOWN_MODELS = ["minilm", "tfidf"];

/**
 * The embedding model serving uses: the one the served models were trained
 * with; for a store without trained models, the first known model with
 * stored vectors; null when there are none.
 *
 * @example
 * ```ts
 * await servedEmbeddingModel(store); // "tfidf"
 * ```
 */
export async function servedEmbeddingModel(
  store: Store,
): Promise<string | null> {
  const settings = await loadHybridSettings(store.meta);
  if (settings) return settings.embeddingModel;
  for (const model of KNOWN_MODELS) {
    if ((await store.embeddings.hashes(model)).size > 0) return model;
  }
  return null;
}

/**
 * The artifact of `model` decoded, or null (with the reason logged) when it
 * is absent, unreadable, invalid or built for another model.
 */
async function readArtifact(
  objects: ObjectStorage,
  model: string,
  logger?: Logger,
): Promise<DecodedServingArtifact | null> {
  const key = servingArtifactKey(model);
  const where = { key, objects: objects.description };
  let bytes: Uint8Array | null;
  try {
    bytes = await objects.read(key);
  } catch (error) {
    // The store still has every row: a slower start beats no start.
    logger?.warning(
      "Cannot read the serving artifact; loading embeddings from the store",
      { ...where, error },
    );
    return null;
  }
  if (!bytes) {
    logger?.info(
      "No serving artifact (run `deno task pipeline precompute`); loading embeddings from the store",
      where,
    );
    return null;
  }
  let artifact: DecodedServingArtifact;
  try {
    artifact = decodeServingArtifact(bytes);
  } catch (error) {
    // Bad magic, version, length or metadata JSON: a corrupt object.
    if (
      !(error instanceof ServingArtifactError || error instanceof SyntaxError)
    ) {
      throw error;
    }
    logger?.warning(
      "Invalid serving artifact; loading embeddings from the store",
      { ...where, bytes: bytes.byteLength, error: error.message },
    );
    return null;
  }
  const found = artifact.meta?.model;
  if (found !== model || artifact.ids.length === 0) {
    logger?.warning(
      "Serving artifact does not match the embedding model serving uses; loading embeddings from the store",
      {
        ...where,
        expected: model,
        found: found ?? null,
        movies: artifact.ids.length,
      },
    );
    return null;
  }
  return artifact;
}

/**
 * Copies the artifact out of the downloaded buffer (vectors straight into
 * the search kernel's memory), so that the buffer can be freed and the
 * matrix is held once.
 */
function fromArtifact(
  artifact: DecodedServingArtifact,
  model: string,
): ServingEmbeddings {
  const n = artifact.ids.length;
  const vectors = allocateVectors(n, artifact.dim);
  vectors.set(artifact.vectors);
  const ids = artifact.ids.slice();
  const packed = artifact.neighbours;
  return {
    source: "artifact",
    model,
    matrix: { ids, dim: artifact.dim, vectors },
    neighbours: packed
      ? new ArtifactNeighbours(ids, {
        k: packed.k,
        ids: packed.ids.slice(),
        scores: packed.scores.slice(),
      })
      : null,
  };
}

/**
 * Loads the vectors of `options.model`: its serving artifact from `objects`
 * when it exists and is valid, else the store's rows. Logs which source it
 * used and how long it took.
 *
 * @example
 * ```ts
 * const embeddings = await loadServingEmbeddings(store, {
 *   model: await servedEmbeddingModel(store),
 *   objects: openObjectStorage(config),
 * });
 * embeddings.source; // "artifact"
 * ```
 */
export async function loadServingEmbeddings(
  store: Store,
  options: LoadServingEmbeddingsOptions,
): Promise<ServingEmbeddings> {
  const { model, objects, logger } = options;
  const started = performance.now();
  const done = (embeddings: ServingEmbeddings): ServingEmbeddings => {
    logger?.info("Embeddings loaded", {
      source: embeddings.source,
      model: embeddings.model,
      movies: embeddings.matrix?.ids.length ?? 0,
      neighbours: embeddings.neighbours ? "artifact" : "store",
      ms: Math.round(performance.now() - started),
    });
    return embeddings;
  };
  const none: ServingEmbeddings = {
    source: "none",
    model: null,
    matrix: null,
    neighbours: null,
  };
  if (!model) return done(none);
  const artifact = objects ? await readArtifact(objects, model, logger) : null;
  if (artifact) return done(fromArtifact(artifact, model));
  const matrix = await store.embeddings.load(model);
  if (matrix) {
    return done({ source: "store", model, matrix, neighbours: null });
  }
  logger?.warning(
    "No stored embeddings of the model the served models were trained with: serving without content similarity (run `deno task pipeline embed precompute`)",
    { model },
  );
  return done(none);
}
