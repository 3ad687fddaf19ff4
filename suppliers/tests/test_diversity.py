"""Small-number suppression: no count below 5 can be read, or worked out from the others.

The attacker in these tests knows the total number of responses (an officer can count who has
answered), every published figure, that the answers to a question add up to the total, and the
suppression rule itself. It tries every possible set of answers, keeps those that would have
been published exactly as they were, and sees what is left for each hidden figure.
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


def published(counts: dict, group: list[str], headlines=()) -> tuple:
    """What the attacker sees of one group: which figures are hidden and the shown values."""
    hidden = suppress(counts, [group], headlines) & set(group)
    return frozenset(hidden), tuple((k, counts[k]) for k in group if k not in hidden)


def possible_values(counts: dict, group: list[str], headlines=()) -> dict[str, set[int]]:
    """For each hidden figure of ``group``, every value consistent with what was published."""
    seen = published(counts, group, headlines)
    possible: dict[str, set[int]] = {k: set() for k in seen[0]}
    for candidate in compositions(counts[TOTAL], len(group)):
        trial = {**dict(zip(group, candidate, strict=True)), TOTAL: counts[TOTAL]}
        if published(trial, group, headlines) == seen:
            for key in possible:
                possible[key].add(trial[key])
    return possible


def assert_nothing_small_is_revealed(counts: dict, groups: list[list[str]], headlines=()):
    hidden = suppress(counts, groups, headlines)
    for key, value in counts.items():
        if value < diversity.THRESHOLD:
            assert key in hidden, f"{key}={value} is below 5 and shown"
    if counts[TOTAL] == 0:
        return  # nobody answered: there is nothing about anybody to reveal
    for group in groups:
        for key, values in possible_values(counts, group, headlines).items():
            assert len(values) >= 2, f"{key} can be worked out: it must be {values}"


def test_a_lone_small_count_cannot_be_worked_out_by_subtraction():
    """Yes 20, no 23, prefer not to say 3 of 46: hiding only the 3 leaves it as 46 − 20 − 23."""
    counts = {TOTAL: 46, "yes": 20, "no": 23, "pnts": 3}
    assert suppress(counts, [["yes", "no", "pnts"]], ["yes"]) == {"no", "pnts"}
    assert_nothing_small_is_revealed(counts, [["yes", "no", "pnts"]], ["yes"])


def test_a_small_headline_hides_the_whole_question():
    counts = {TOTAL: 50, "yes": 3, "no": 40, "pnts": 7}
    assert suppress(counts, [["yes", "no", "pnts"]], ["yes"]) == {"yes", "no", "pnts"}


def test_two_small_counts_cannot_be_pinned_down_by_knowing_the_rule():
    """Hiding 4 and 4 beside a shown 5 and 8 of 21 would leave two figures under 5 adding to 8."""
    counts = {TOTAL: 21, "a": 5, "b": 4, "c": 8, "d": 4}
    assert suppress(counts, [["a", "b", "c", "d"]]) == {"a", "b", "c", "d"}
    assert_nothing_small_is_revealed(counts, [["a", "b", "c", "d"]])


def test_hidden_figures_adding_up_to_fewer_than_five_take_the_headline_with_them():
    """Yes 20, no 0, prefer not to say 0: hiding the zeros alone shows they add up to 0."""
    counts = {TOTAL: 20, "yes": 20, "no": 0, "pnts": 0}
    assert suppress(counts, [["yes", "no", "pnts"]], ["yes"]) == {"yes", "no", "pnts"}
    assert_nothing_small_is_revealed(counts, [["yes", "no", "pnts"]], ["yes"])


def test_counts_of_five_or_more_are_shown_when_nothing_is_small():
    counts = {TOTAL: 30, "yes": 5, "no": 20, "pnts": 5}
    assert suppress(counts, [["yes", "no", "pnts"]], ["yes"]) == set()


def test_fewer_than_five_responses_hide_everything():
    counts = {TOTAL: 4, "yes": 1, "no": 3, "pnts": 0}
    assert suppress(counts, [["yes", "no", "pnts"]], ["yes"]) == {TOTAL, "yes", "no", "pnts"}


@pytest.mark.parametrize(("parts", "largest_total"), [(2, 60), (3, 45), (4, 22)])
@pytest.mark.parametrize("with_headline", [True, False])
def test_every_possible_question_resists_an_attacker_who_knows_the_rule(parts, largest_total, with_headline):
    """Exhaustive: every split of every total up to ``largest_total`` between ``parts`` answers."""
    group = [f"answer{i}" for i in range(parts)]
    headlines = [group[0]] if with_headline else []
    for total in range(1, largest_total + 1):
        outcomes: dict[tuple, list[tuple]] = {}
        for split in compositions(total, parts):
            counts = {**dict(zip(group, split, strict=True)), TOTAL: total}
            seen = published(counts, group, headlines)
            assert all(value >= diversity.THRESHOLD for _, value in seen[1]), f"{split} shows a small figure"
            outcomes.setdefault(seen, []).append(split)
        for (hidden, _), splits in outcomes.items():
            for i, key in enumerate(group):
                if key in hidden:
                    assert len({s[i] for s in splits}) >= 2, f"{key} of {splits} can be worked out"


@st.composite
def tables(draw):
    total = draw(st.integers(min_value=0, max_value=30))
    counts = {TOTAL: total}
    groups, headlines = [], []
    for g in range(draw(st.integers(min_value=1, max_value=4))):
        parts = draw(st.integers(min_value=2, max_value=4))
        cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=total), min_size=parts - 1, max_size=parts - 1)))
        values = [b - a for a, b in itertools.pairwise([0, *cuts, total])]
        keys = [f"g{g}.{i}" for i in range(parts)]
        counts.update(zip(keys, values, strict=True))
        groups.append(keys)
        if draw(st.booleans()):
            headlines.append(keys[0])
    # Figures in no group (barriers: one supplier may tick several) get primary suppression only.
    for i in range(draw(st.integers(min_value=0, max_value=3))):
        counts[f"free.{i}"] = draw(st.integers(min_value=0, max_value=total))
    return counts, groups, headlines


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_count_below_five_can_be_read_or_derived_in_any_table(table):
    assert_nothing_small_is_revealed(*table)


def _random_answers(rng, schema):
    answers = {}
    for d in schema["dimensions"]:
        for c in schema["characteristics"]:
            # Skewed so small counts are common, the case that matters.
            answers[questions.answer_key(d["key"], c["key"])] = rng.choices(
                ["yes", "no", "prefer_not_to_say"], weights=[3, 12, 1]
            )[0]
    answers["barriers"] = [b["key"] for b in schema["barriers"] if rng.random() < 0.3]
    answers["meet_the_buyer"] = rng.choice(["yes", "no", "maybe"])
    return answers


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("responses", [0, 3, 7, 18, 40])
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
    figures = diversity.published_figures(diversity.publish(counts, sections))
    for key, value in figures.items():
        assert value is None or value >= 5, f"{key} shows {value}"
    headlines = [s.headline for s in sections if s.headline]
    for section in sections:
        if section.additive and counts[TOTAL]:
            group = [row.key for row in section.rows]
            assert {k for k in group if figures[k] is None} == set(possible_values(counts, group, headlines))
            for key, values in possible_values(counts, group, headlines).items():
                assert len(values) >= 2, f"{key} can be worked out"


def test_the_published_baseline_carries_percentages_only_for_shown_counts():
    schema = questions.question_set(1)
    some_women_owners = {
        questions.answer_key(d["key"], c["key"]): "no" for d in schema["dimensions"] for c in schema["characteristics"]
    }
    facts = [ResponseFacts({**some_women_owners, "meet_the_buyer": "yes", "barriers": ["paperwork"]}, "small", True)]
    facts = (
        facts * 10
        + [
            ResponseFacts(
                {**some_women_owners, "owned__sex": "yes", "meet_the_buyer": "no", "barriers": []}, "micro", True
            )
        ]
        * 6
    )
    published = diversity.aggregates(schema, facts)
    assert published["responses"] == 16
    sex = next(s for s in published["sections"] if s["key"] == "owned__sex")
    assert [(r["label"], r["count"], r["percent"]) for r in sex["rows"]] == [
        ("Yes", 6, "37.5"),
        ("No", None, None),
        ("Prefer not to say", None, None),
    ]
    size = next(s for s in published["sections"] if s["key"] == "size")
    assert [r["count"] for r in size["rows"]] == [None, None, None, None], "medium and large are 0"
    barriers = next(s for s in published["sections"] if s["key"] == "barriers")
    assert (barriers["rows"][0]["label"], barriers["rows"][0]["count"]) == (
        "Too much paperwork or a complicated process",
        10,
    )
