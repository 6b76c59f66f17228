"""The short text diff --dry-run prints for a sample of the articles it would change."""

from __future__ import annotations

from newsarchive.storage.write.versions import word_diff

# Characters of changed text shown per article, and of context around each change.
MAX_SHOWN = 600
CONTEXT = 40


def sample_diff(old: str, new: str) -> str:
    """The changes from `old` to `new` as [-removed-] and {+added+}, with a little context, cut short."""
    runs = word_diff(old, new)
    if all(run.op == "equal" for run in runs):
        return "(text unchanged; title, authors, captions or dates differ)"
    parts: list[str] = []
    for run in runs:
        if run.op == "equal":
            text = run.text
            parts.append(text if len(text) <= 2 * CONTEXT else f"{text[:CONTEXT]} ... {text[-CONTEXT:]}")
        elif run.op == "delete":
            parts.append(f"[-{run.text}-]")
        else:
            parts.append(f"{{+{run.text}+}}")
    shown = "".join(parts).strip()
    return shown if len(shown) <= MAX_SHOWN else shown[:MAX_SHOWN] + " ..."
