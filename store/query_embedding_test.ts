import assert from "node:assert/strict";
import { fitVocabulary } from "../core/text/tfidf.ts";
import { openSqliteStore } from "./sqlite/mod.ts";
import {
  loadQueryEmbedding,
  QueryEmbeddingError,
  queryEmbeddingKey,
  saveQueryEmbedding,
} from "./query_embedding.ts";

Deno.test("query embeddings round-trip per model; absent is null; corrupt is a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "query_embedding_" });
  const store = await openSqliteStore(`${dir}/movielens.db`);
  try {
    const vocabulary = fitVocabulary([
      {
        id: 1,
        title: "Toy Story",
        year: 1995,
        genres: ["Animation"],
        tags: ["pixar"],
        imdbId: null,
        tmdbId: null,
      },
    ]);
    assert.equal(await loadQueryEmbedding(store.meta, "tfidf"), null);
    await saveQueryEmbedding(store.meta, { model: "tfidf", vocabulary });
    await saveQueryEmbedding(store.meta, {
      model: "minilm",
      name: "Xenova/all-MiniLM-L6-v2",
      dtype: "q8",
    });
    assert.deepEqual(await loadQueryEmbedding(store.meta, "tfidf"), {
      model: "tfidf",
      vocabulary,
    });
    assert.deepEqual(await loadQueryEmbedding(store.meta, "minilm"), {
      model: "minilm",
      name: "Xenova/all-MiniLM-L6-v2",
      dtype: "q8",
    });

    const encode = (text: string) => new TextEncoder().encode(text);
    await store.meta.setBlob(queryEmbeddingKey("tfidf"), encode("{not json"));
    await assert.rejects(
      loadQueryEmbedding(store.meta, "tfidf"),
      (error: Error) =>
        error instanceof QueryEmbeddingError &&
        error.message.includes('"query-embedding:tfidf"'),
    );
    await store.meta.setBlob(
      queryEmbeddingKey("tfidf"),
      encode(JSON.stringify({ version: 99, model: "tfidf" })),
    );
    await assert.rejects(
      loadQueryEmbedding(store.meta, "tfidf"),
      /expected format version 1, found 99/,
    );
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
