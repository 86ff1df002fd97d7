"""BERTopic's default pipeline (UMAP + HDBSCAN + c-TF-IDF) on precomputed vectors, for comparison only.

Runs in a separate venv that has bertopic (never the project's): called by rootcause_quality.py and
rootcause_speed.py as `<venv python> benchmarks/rootcause_bertopic.py DIR LANG`, with DIR holding x.npy (the
vectors) and docs.json (the texts). Prints one JSON line {"topics": [...], "seconds": fit time}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    import numpy as np
    from bertopic import BERTopic

    folder, lang = Path(sys.argv[1]), sys.argv[2]
    x = np.load(folder / "x.npy")
    docs = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
    kwargs = {}
    if lang == "zh":
        import jieba
        from sklearn.feature_extraction.text import CountVectorizer

        kwargs["vectorizer_model"] = CountVectorizer(tokenizer=jieba.lcut, token_pattern=None)
    started = time.perf_counter()
    topics, _ = BERTopic(**kwargs).fit_transform(docs, x)
    print(json.dumps({"topics": [int(t) for t in topics], "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
