"""``python -m fairness_core.learn`` prints docs/glossary.md."""

from fairness_core.learn import glossary_markdown

print(glossary_markdown(), end="")
