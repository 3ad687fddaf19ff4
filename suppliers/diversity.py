"""Diversity aggregates and small-number suppression. Pure: plain values in, plain values out.

Diversity answers are special category personal data (DESIGN.md) and the questionnaire is not
anonymous (Coventry note 3.2.9), so anyone without the diversity-data permission sees only
aggregates in which:

1. **Primary suppression**: every count below 5 is hidden.
2. **Secondary suppression**: the answers to one question add up to the number of responses,
   which an officer can count from who has answered, so a hidden figure could be worked out
   by subtraction. When any answer to a question is hidden:
   - if the question has a headline answer ("Yes": the share of businesses owned or led by
     people sharing a characteristic) and it is 5 or more, it stays shown and all the other
     answers are hidden together, unless together they are fewer than 5;
   - otherwise every answer to the question is hidden.
   The simpler "hide the next smallest figure" is not enough against someone who knows the
   rule: two hidden figures adding up to 8 that must each be under 5 can only be 4 and 4, and
   hidden zeros can be told as zeros. This rule leaves every hidden figure at least two
   possible values, checked exhaustively in ``tests/test_diversity.py`` by an attacker who
   knows the rule. Barriers are not additive (one supplier may tick several), so they get
   primary suppression only.

Every hidden figure reads the same ("fewer than 5 or withheld"), whichever rule hid it.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

THRESHOLD = 5
SUPPRESSED_LABEL = "fewer than 5 or withheld"
TOTAL = "responses"


def suppress(
    counts: Mapping[str, int],
    groups: Iterable[Sequence[str]],
    headlines: Iterable[str] = (),
    threshold: int = THRESHOLD,
) -> set[str]:
    """The keys of ``counts`` to hide.

    ``groups`` lists keys whose counts add up to the total ``counts[TOTAL]``; each key is in at
    most one group. ``headlines`` names the headline answer of a group, if it has one. Keys in
    no group (e.g. barriers) get primary suppression only.
    """
    headlines = set(headlines)
    hidden = {key for key, value in counts.items() if value < threshold}
    for group in groups:
        if not hidden.intersection(group):
            continue
        headline = next((k for k in group if k in headlines), None)
        others = [k for k in group if k != headline]
        if headline is None or headline in hidden or sum(counts[k] for k in others) < threshold:
            hidden.update(group)
        else:
            hidden.update(others)
    return hidden


@dataclass(frozen=True)
class Figure:
    """One published figure: a count and its share of responses, or hidden."""

    count: int | None
    percent: Decimal | None

    @property
    def suppressed(self) -> bool:
        return self.count is None

    def __str__(self):
        return SUPPRESSED_LABEL if self.suppressed else str(self.count)


def _percent(count: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    key: str
    label: str
    figure: Figure


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    additive: bool = True  # rows add up to the number of responses
    headline: str | None = None  # the row kept shown where it can be (see suppress)


@dataclass(frozen=True)
class ResponseFacts:
    """What the aggregates need from one response: its answers and the supplier's facts then."""

    answers: Mapping
    size_class: str
    is_local: bool


SIZE_ROWS = [("micro", "Micro"), ("small", "Small"), ("medium", "Medium"), ("large", "Large")]
LOCAL_ROWS = [("local", "Local"), ("not_local", "Not local")]


def tabulate(schema: Mapping, responses: Sequence[ResponseFacts]) -> tuple[dict[str, int], list[Section]]:
    """Raw counts (key → count) and the sections they are shown in, for one campaign's answers."""
    counts: dict[str, int] = {TOTAL: len(responses)}
    sections: list[Section] = []

    def add(section: Section, key: str, label: str, count: int):
        full_key = f"{section.key}.{key}"
        counts[full_key] = count
        section.rows.append(Row(full_key, label, Figure(count, None)))

    size = Section("size", "Size of business")
    for key, label in SIZE_ROWS:
        add(size, key, label, sum(1 for r in responses if r.size_class == key))
    sections.append(size)

    local = Section("local", "Local or not")
    local_count = sum(1 for r in responses if r.is_local)
    add(local, "local", "Local", local_count)
    add(local, "not_local", "Not local", len(responses) - local_count)
    sections.append(local)

    for dimension in schema["dimensions"]:
        for characteristic in schema["characteristics"]:
            answer_key = f"{dimension['key']}__{characteristic['key']}"
            section = Section(
                answer_key, f"{dimension['label']}: {characteristic['label']}", headline=f"{answer_key}.yes"
            )
            for answer in schema["answers"]:
                add(
                    section,
                    answer["key"],
                    answer["label"],
                    sum(1 for r in responses if r.answers.get(answer_key) == answer["key"]),
                )
            sections.append(section)

    barriers = Section("barriers", "Barriers to tendering", additive=False)
    for barrier in schema["barriers"]:
        add(
            barriers,
            barrier["key"],
            barrier["label"],
            sum(1 for r in responses if barrier["key"] in r.answers.get("barriers", ())),
        )
    sections.append(barriers)

    mtb = Section("meet_the_buyer", "Interested in Meet the Buyer events", headline="meet_the_buyer.yes")
    for option in schema["meet_the_buyer"]:
        add(
            mtb,
            option["key"],
            option["label"],
            sum(1 for r in responses if r.answers.get("meet_the_buyer") == option["key"]),
        )
    sections.append(mtb)
    return counts, sections


def publish(counts: Mapping[str, int], sections: Sequence[Section]) -> dict:
    """Suppressed, JSON-safe aggregates: what may be shown, exported or kept after erasure."""
    groups = [[row.key for row in s.rows] for s in sections if s.additive]
    hidden = suppress(counts, groups, [s.headline for s in sections if s.headline])
    total = counts[TOTAL]

    def ordered(section):
        if section.additive:
            return section.rows
        # Ranked, most common first (Coventry note 3.2.7: the barriers suppliers face); hidden
        # figures last in question order, so their place in the ranking tells nothing.
        return sorted(section.rows, key=lambda r: (r.key in hidden, 0 if r.key in hidden else -counts[r.key]))

    return {
        "responses": None if TOTAL in hidden else total,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "rows": [
                    {
                        "key": row.key,
                        "label": row.label,
                        "count": None if row.key in hidden else counts[row.key],
                        "percent": None if row.key in hidden else _str(_percent(counts[row.key], total)),
                    }
                    for row in ordered(s)
                ],
            }
            for s in sections
        ],
    }


def rate(count: int | None, total: int) -> Decimal | None:
    """A published share, or None when the count is hidden or there is nothing to divide by."""
    return None if count is None else _percent(count, total)


def _str(value):
    return None if value is None else str(value)


def aggregates(schema: Mapping, responses: Sequence[ResponseFacts]) -> dict:
    """Tabulate and suppress in one step."""
    return publish(*tabulate(schema, responses))


def published_figures(published: Mapping) -> dict[str, int | None]:
    """Key → published count (None when hidden), for tests and exports."""
    figures = {TOTAL: published["responses"]}
    for section in published["sections"]:
        for row in section["rows"]:
            figures[row["key"]] = row["count"]
    return figures
