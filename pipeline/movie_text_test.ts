import assert from "node:assert/strict";
import { movieText, textHash } from "./movie_text.ts";

const toyStory = {
  id: 1,
  title: "Toy Story",
  year: 1995,
  genres: ["Adventure", "Animation"],
  tags: ["pixar", "fun"],
  imdbId: null,
  tmdbId: null,
};

Deno.test("movieText has title, year, genres and tags", () => {
  assert.equal(
    movieText(toyStory),
    "Toy Story (1995). Genres: Adventure, Animation. Tags: pixar, fun.",
  );
  assert.equal(
    movieText({ ...toyStory, year: null, genres: [], tags: [] }),
    "Toy Story.",
  );
});

Deno.test("textHash changes with the text and with the embedder", () => {
  const text = movieText(toyStory);
  assert.equal(textHash("tfidf", text), textHash("tfidf", text));
  assert.notEqual(textHash("tfidf", text), textHash("minilm", text));
  assert.notEqual(textHash("tfidf", text), textHash("tfidf", `${text} `));
});
