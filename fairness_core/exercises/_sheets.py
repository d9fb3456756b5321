"""Printable exercise sheets: the trainee's (questions and hints) and the trainer's (answers).

One self-contained HTML page with print styles (A4, no page break inside a question), so a
trainer can open it in any browser and print it or save it as PDF. Every text is escaped.
"""

from __future__ import annotations

from fairness_core.escaping import escape_html
from fairness_core.exercises._exercises import ExerciseSet

__all__ = ["build_exercise_sheet"]

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12pt; line-height: 1.45;
       color: #111; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin-bottom: 0.2em; }
.kind { color: #444; font-size: 11pt; margin-top: 0; }
.intro { border-left: 4px solid #888; padding-left: 0.8em; }
ol.questions > li { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
.page { color: #444; font-size: 10.5pt; }
.hints { font-size: 11pt; }
.notes { border: 1px solid #999; height: 5em; margin-top: 0.4em; }
.answer { border: 2px solid #1b5e20; background: #eef6ee; padding: 0.4em 0.7em;
          margin-top: 0.4em; }
@page { size: A4; margin: 18mm; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def build_exercise_sheet(exercises: ExerciseSet, *, demo_title: str, with_answers: bool) -> str:
    """The sheet as an HTML page: without answers for trainees, with them for the trainer.

    The trainee's sheet holds no answer text at all (not hidden: absent), and leaves room
    for notes under each question.
    """
    kind = "Trainer sheet — with answers" if with_answers else "Trainee sheet"
    items = []
    for exercise in exercises.exercises:
        hints = "".join(f"<li>{escape_html(h)}</li>" for h in exercise.hints)
        tail = (
            f'<div class="answer"><strong>Answer:</strong> {escape_html(exercise.answer)}</div>'
            if with_answers
            else '<div class="notes" aria-label="Your notes"></div>'
        )
        items.append(
            f"<li><p><strong>{escape_html(exercise.question)}</strong><br>"
            f'<span class="page">Page: {escape_html(exercise.page)}</span></p>'
            f'<details open class="hints"><summary>Hints</summary><ul>{hints}</ul></details>'
            f"{tail}</li>"
        )
    title = f"{escape_html(demo_title)} — {escape_html(exercises.title)}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} ({kind})</title><style>{_STYLE}</style></head><body>"
        f'<h1>{title}</h1><p class="kind">{kind}</p>'
        f'<p class="intro">{escape_html(exercises.intro)}</p>'
        f'<ol class="questions">{"".join(items)}</ol></body></html>\n'
    )
