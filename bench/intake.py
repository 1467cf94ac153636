"""How long placing an article takes with the embedded gazetteer, and how it grows with size.

    .venv/bin/python bench/intake.py [--quick]

Texts are synthetic (sentences built from a fixed list of words and place names, seeded), so
the figures can be reproduced anywhere. "Cold" starts a fresh Python process that opens the
gazetteer and places a 3,000-word article; "warm" places it again in this process. The growth
table also times what an added article goes through before that (intake: cleaning, hashing and
saving to a fresh library) and the app's whole geography step (places joined with the sites)."""
from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.config import Settings  # noqa: E402
from dashboard.core.geoparse.intake import ArticleFields, article_from_text  # noqa: E402
from dashboard.core.geoparse.toponyms import geoparse  # noqa: E402
from dashboard.services.articles import article_geography  # noqa: E402
from dashboard.services.gazetteer_file import ensure_gazetteer  # noqa: E402
from dashboard.services.geocoding import geocoding_chain_for  # noqa: E402
from dashboard.services.library import ArticleLibrary  # noqa: E402

WORDS = (
    "the officials said talks would continue on the missile defense plan while ministers "
    "met reporters after the summit and the radar site was discussed again by negotiators"
).split()
PLACES = ["Prague", "Warsaw", "Moscow", "Tehran", "Baku", "Brussels", "Berlin", "Poland", "Iran",
          "the Czech Republic", "Azerbaijan", "Russia", "Germany", "Europe", "Maine", "Washington"]


def synthetic_text(n_bytes: int, seed: int = 7) -> str:
    """Paragraphs of plausible sentences, about ``n_bytes`` long, one place in most sentences."""
    rng = random.Random(seed)
    parts, size = [], 0
    while size < n_bytes:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        words.insert(rng.randint(1, len(words) - 1), "in " + rng.choice(PLACES))
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + ". "
        if rng.random() < 0.15:
            sentence += "\n\n"
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:n_bytes]


def words_text(n_words: int) -> str:
    text = synthetic_text(n_words * 8)
    return " ".join(text.split(" ")[:n_words])


COLD = """
import sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.core.geoparse.toponyms import geoparse
from bench.intake import words_text
text = words_text(3000)
t1 = time.perf_counter()
places = geoparse(text, ensure_gazetteer())
t2 = time.perf_counter()
print(t2 - t1, t2 - t0, len(places))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, stop at 1 MB")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3

    cold = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", COLD.format(root=str(ROOT))], capture_output=True,
                             text=True, check=True, cwd=ROOT).stdout.split()
        cold.append((float(out[0]), float(out[1]), int(out[2])))
    gazetteer = ensure_gazetteer()
    text = words_text(3000)
    warm = []
    for _ in range(repeats + 2):
        t0 = time.perf_counter()
        places = geoparse(text, gazetteer)
        warm.append(time.perf_counter() - t0)

    print("```\n$ .venv/bin/python bench/intake.py" + (" --quick" if args.quick else "") + "\n```\n")
    print("| 3,000-word article | time to place | places found |\n|---|---|---|")
    print(f"| cold: new process, gazetteer opened (median of {repeats}) | "
          f"{statistics.median(c[0] for c in cold) * 1000:.0f} ms "
          f"(process start and imports included: {statistics.median(c[1] for c in cold) * 1000:.0f} ms) | {cold[0][2]} |")
    print(f"| warm (median of {len(warm)}) | {statistics.median(warm) * 1000:.0f} ms | {len(places)} |\n")

    sizes = [1_000, 10_000, 100_000, 1_000_000] + ([] if args.quick else [5_000_000])
    chain = geocoding_chain_for(Settings(offline=True), gazetteer)
    print("| text size | geoparse | places | µs per KB | intake + save | whole geography step |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        library = ArticleLibrary.in_dir(Path(folder))
        for size in sizes:
            sample = synthetic_text(size)
            t0 = time.perf_counter()
            found = geoparse(sample, gazetteer)
            seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            article = article_from_text(sample, ArticleFields(title=f"Bench {size}"))
            library.add(article)
            intake = time.perf_counter() - t0
            t0 = time.perf_counter()
            article_geography(article, chain)
            whole = time.perf_counter() - t0
            print(f"| {size / 1000:,.0f} KB | {seconds * 1000:,.0f} ms | {len(found):,} | "
                  f"{seconds * 1e6 / (size / 1000):,.0f} | {intake * 1000:,.0f} ms | {whole * 1000:,.0f} ms |")
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
