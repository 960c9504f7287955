"""TF-IDF similarity by hand, and case study search."""

from __future__ import annotations

import math

import pytest

from kizuna.errors import InputError
from kizuna.network.text import TextIndex, embedding_available, tokens


def test_tokens() -> None:
    assert tokens("Électric Buses for the cities!") == [
        "electric",
        "bus",
        "city",
        "electric bus",
        "bus city",
    ]


def test_cosine_by_hand() -> None:
    """Two documents, no shared term: every term has df = 1 and the same idf, so "solar roof"
    is the unit vector over (solar, roof, "solar roof") with components 1/sqrt(3); the query
    "solar" is the unit vector on solar: cosine 1/sqrt(3) with the first, 0 with the second."""
    index = TextIndex(["solar roof", "bus depot"])
    assert index.similarity("solar") == pytest.approx([1 / math.sqrt(3), 0.0])
    assert index.similarity("nothing known") == pytest.approx([0.0, 0.0])
    assert index.method == "tfidf"


def test_idf_weights_rare_terms() -> None:
    """'city' is in all three documents, 'heat' in one: idf = ln(4/4) + 1 = 1 vs
    ln(4/2) + 1 = 1.693, so a query for both is nearer the heat document."""
    index = TextIndex(["city heat", "city bus", "city light"])
    scores = index.similarity("city heat")
    assert scores[0] > scores[1] == pytest.approx(scores[2])
    assert index.idf[index.vocabulary["city"]] == pytest.approx(1.0)
    assert index.idf[index.vocabulary["heat"]] == pytest.approx(math.log(2) + 1)


def test_methods() -> None:
    with pytest.raises(InputError, match="unknown text method"):
        TextIndex(["a"], method="magic")
    auto = TextIndex(["solar roof"], method="auto")
    assert auto.method == ("embedding:all-MiniLM-L6-v2" if embedding_available() else "tfidf")
    if not embedding_available():
        with pytest.raises(InputError, match="not installed"):
            TextIndex(["a"], method="embedding")
