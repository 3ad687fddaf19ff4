"""Small-number suppression: no count below 5 can be read, or worked out from the others.

The attacker in these tests knows the total number of responses (an officer can count who has
answered), every published figure, that figures in a group add up to the total, and how the
suppression algorithm works; it tries every possible value of the hidden figures and keeps
those that would have produced exactly what was published.
"""

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suppliers import diversity, questions
from suppliers.diversity import TOTAL, ResponseFacts, suppress


def compositions(total: int, parts: int):
    """Every way of writing ``total`` as ``parts`` non-negative integers."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def feasible_values(counts: dict, group: list[str], hidden: set[str]) -> dict[str, set[int]]:
    """What an attacker can narrow each hidden figure in ``group`` down to."""
    total = counts[TOTAL]
    hidden_keys = [k for k in group if k in hidden]
    if not hidden_keys:
        return {}
    remainder = total - sum(counts[k] for k in group if k not in hidden)
    possible: dict[str, set[int]] = {k: set() for k in hidden_keys}
    for candidate in compositions(remainder, len(hidden_keys)):
        trial = {**{k: counts[k] for k in group}, **dict(zip(hidden_keys, candidate, strict=True)), TOTAL: total}
        if suppress(trial, [group]) & set(group) == set(hidden_keys):
            for key, value in zip(hidden_keys, candidate, strict=True):
                possible[key].add(value)
    return possible


def assert_nothing_small_is_revealed(counts: dict, groups: list[list[str]]):
    hidden = suppress(counts, groups)
    for key, value in counts.items():
        if value < diversity.THRESHOLD:
            assert key in hidden, f"{key}={value} is below 5 and shown"
    if counts[TOTAL] == 0:
        return  # nobody answered: there is nothing about anybody to reveal
    for group in groups:
        for key, values in feasible_values(counts, group, hidden).items():
            assert len(values) >= 2, f"{key} can be worked out: it must be {values}"


def test_a_lone_small_count_cannot_be_worked_out_by_subtraction():
    """Yes 3, no 40, prefer not to say 7 of 50: hiding only 'yes' leaves it as 50 − 40 − 7."""
    counts = {TOTAL: 50, "yes": 3, "no": 40, "pnts": 7}
    assert suppress(counts, [["yes", "no", "pnts"]]) == {"yes", "no", "pnts"}
    assert_nothing_small_is_revealed(counts, [["yes", "no", "pnts"]])


def test_two_small_counts_cannot_be_pinned_down_by_knowing_the_rule():
    """Hiding 4 and 4 beside a shown 5 and 8 of 21 would leave two figures under 5 adding to 8."""
    counts = {TOTAL: 21, "a": 5, "b": 4, "c": 8, "d": 4}
    assert suppress(counts, [["a", "b", "c", "d"]]) == {"a", "b", "c", "d"}
    assert_nothing_small_is_revealed(counts, [["a", "b", "c", "d"]])


def test_hidden_zeros_cannot_be_worked_out():
    """Yes 0, prefer not to say 0, no 20: two hidden figures adding to 0 must both be 0."""
    counts = {TOTAL: 20, "yes": 0, "no": 20, "pnts": 0}
    assert suppress(counts, [["yes", "no", "pnts"]]) == {"yes", "no", "pnts"}
    assert_nothing_small_is_revealed(counts, [["yes", "no", "pnts"]])


def test_counts_of_five_or_more_are_shown_when_nothing_is_small():
    counts = {TOTAL: 30, "yes": 5, "no": 20, "pnts": 5}
    assert suppress(counts, [["yes", "no", "pnts"]]) == set()


def test_fewer_than_five_responses_hide_everything():
    counts = {TOTAL: 4, "yes": 1, "no": 3, "pnts": 0}
    assert suppress(counts, [["yes", "no", "pnts"]]) == {TOTAL, "yes", "no", "pnts"}


@st.composite
def tables(draw):
    total = draw(st.integers(min_value=0, max_value=30))
    counts = {TOTAL: total}
    groups = []
    for g in range(draw(st.integers(min_value=1, max_value=4))):
        parts = draw(st.integers(min_value=2, max_value=4))
        cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=total), min_size=parts - 1, max_size=parts - 1)))
        values = [b - a for a, b in itertools.pairwise([0, *cuts, total])]
        keys = [f"g{g}.{i}" for i in range(parts)]
        counts.update(zip(keys, values, strict=True))
        groups.append(keys)
    # Figures in no group (barriers: one supplier may tick several) get primary suppression only.
    for i in range(draw(st.integers(min_value=0, max_value=3))):
        counts[f"free.{i}"] = draw(st.integers(min_value=0, max_value=total))
    return counts, groups


@settings(max_examples=500, deadline=None)
@given(tables())
def test_no_count_below_five_can_be_read_or_derived_in_any_table(table):
    counts, groups = table
    assert_nothing_small_is_revealed(counts, groups)


def _random_answers(rng, schema):
    answers = {}
    for d in schema["dimensions"]:
        for c in schema["characteristics"]:
            # Skewed so small counts are common, the case that matters.
            answers[questions.answer_key(d["key"], c["key"])] = rng.choices(
                ["yes", "no", "prefer_not_to_say"], weights=[1, 12, 2]
            )[0]
    answers["barriers"] = [b["key"] for b in schema["barriers"] if rng.random() < 0.3]
    answers["meet_the_buyer"] = rng.choice(["yes", "no", "maybe"])
    return answers


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("responses", [0, 3, 7, 18])
def test_every_suppressed_cell_of_a_real_baseline_resists_differencing(seed, responses):
    rng = random.Random(seed)
    schema = questions.question_set(1)
    facts = [
        ResponseFacts(
            answers=_random_answers(rng, schema),
            size_class=rng.choice(["micro", "micro", "small", "medium"]),
            is_local=rng.random() < 0.8,
        )
        for _ in range(responses)
    ]
    counts, sections = diversity.tabulate(schema, facts)
    published = diversity.publish(counts, sections)
    figures = diversity.published_figures(published)
    for key, value in figures.items():
        assert value is None or value >= 5, f"{key} shows {value}"
    for section in sections:
        if section.additive:
            group = [row.key for row in section.rows]
            hidden = {k for k in group if figures[k] is None}
            if counts[TOTAL]:
                for key, values in feasible_values(counts, group, hidden).items():
                    assert len(values) >= 2, f"{key} can be worked out"


def test_the_published_baseline_carries_percentages_only_for_shown_counts():
    schema = questions.question_set(1)
    everyone_says_no = {
        questions.answer_key(d["key"], c["key"]): "no" for d in schema["dimensions"] for c in schema["characteristics"]
    }
    facts = [
        ResponseFacts({**everyone_says_no, "meet_the_buyer": "yes", "barriers": ["paperwork"]}, "small", True)
    ] * 10
    published = diversity.aggregates(schema, facts)
    assert published["responses"] == 10
    size = next(s for s in published["sections"] if s["key"] == "size")
    small = next(r for r in size["rows"] if r["label"] == "Small")
    # The other three sizes are 0, and hidden zeros alone would add up to 0 and be known to be 0.
    assert [r["count"] for r in size["rows"]] == [None, None, None, None]
    assert small["percent"] is None
    local = next(s for s in published["sections"] if s["key"] == "local")
    assert [r["count"] for r in local["rows"]] == [None, None]
    barriers = next(s for s in published["sections"] if s["key"] == "barriers")
    assert barriers["rows"][0]["label"] == "Too much paperwork or a complicated process"
    assert barriers["rows"][0]["count"] == 10
