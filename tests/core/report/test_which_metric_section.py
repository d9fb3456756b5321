"""The review report's "Which metric and why" section, in every export, only when recorded."""

from __future__ import annotations

import io
import json

import pypdf
import pytest

from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report, recommend_metric
from fairness_core.report import (
    build_html_report,
    build_metrics_json,
    build_model_card,
    build_pdf_report,
    build_review,
    identify_data,
)

ANSWERS = {"labels": "yes", "meaning": "no", "kind": "assistive", "harm": "refused"}


@pytest.fixture(scope="module")
def reviews():
    demo = get_demo("loan")
    dataset = demo.load_test()
    audit = check_audit_data(dataset.frame, demo.roles)
    report = compute_subgroup_report(audit, attributes=["race"], n_bootstrap=0)
    data = identify_data(dataset, audit)
    choice = recommend_metric(ANSWERS)
    with_choice = build_review(report, roles=demo.roles, data=data, metric_choice=choice)
    without = build_review(report, roles=demo.roles, data=data)
    return with_choice, without, choice


def test_html_has_the_section_with_answers_and_reasoning(reviews) -> None:
    """The HTML report lists the section in its contents, each answer and each reason."""
    review, without, choice = reviews
    html = build_html_report(review)
    assert '<h2 id="which-metric">Which metric and why</h2>' in html
    assert 'href="#which-metric"' in html
    for question, answer in choice.answers:
        assert question in html
        assert answer.replace("'", "&#x27;") in html or answer in html
    for sentence in choice.reasoning:
        assert sentence.replace("'", "&#x27;") in html or sentence in html
    assert "which-metric" not in build_html_report(without)


def test_json_carries_the_answers_and_the_recommendation(reviews) -> None:
    """The metrics JSON has a which_metric object only when an answer is recorded."""
    review, without, choice = reviews
    document = json.loads(build_metrics_json(review))["which_metric"]
    assert document["recommendation"] == "equal_opportunity"
    assert document["metrics"] == ["true_positive_rate", "false_negative_rate"]
    assert [a["answer"] for a in document["answers"]] == [a for _, a in choice.answers]
    assert document["reasoning"] == list(choice.reasoning)
    assert "which_metric" not in json.loads(build_metrics_json(without))


def test_model_card_and_pdf_have_the_section(reviews) -> None:
    """The Markdown model card and the PDF name the chosen criterion."""
    review, without, _ = reviews
    card = build_model_card(review)
    assert "### Which metric and why" in card
    assert "equal opportunity (true positive rates)" in card
    assert "### Which metric and why" not in build_model_card(without)
    reader = pypdf.PdfReader(io.BytesIO(build_pdf_report(review)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Which metric and why" in text
    assert "Refusing a deserving person is the costly mistake" in text
