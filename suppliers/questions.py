"""The diversity questionnaire's questions, by version.

Each campaign stores a copy of the question set it was issued with (``Campaign.questions``) and
each response the version it answered, so a later year can change the questions without
breaking earlier answers or last year's figures. Add a new version here; never edit an issued one.
"""

import copy

ANSWER_YES = "yes"
ANSWER_NO = "no"
ANSWER_PREFER_NOT = "prefer_not_to_say"

# Equality Act 2010, s.4, as listed in the Coventry note 3.2.6.
PROTECTED_CHARACTERISTICS = [
    ("age", "Age", "people of a particular age group"),
    ("disability", "Disability", "disabled people"),
    ("gender_reassignment", "Gender reassignment", "people who have undergone or are undergoing gender reassignment"),
    (
        "marriage_civil_partnership",
        "Marriage and civil partnership",
        "people who are married or in a civil partnership",
    ),
    ("pregnancy_maternity", "Pregnancy and maternity", "people who are pregnant or on maternity leave"),
    ("race", "Race", "people from an ethnic minority, including colour, nationality, ethnic or national origin"),
    ("religion_belief", "Religion or belief", "people of a particular religion or belief"),
    ("sex", "Sex", "women"),
    ("sexual_orientation", "Sexual orientation", "lesbian, gay or bisexual people"),
]

QUESTION_SETS = {
    1: {
        "version": 1,
        # Coventry note 3.2.5: business ownership (and, separately, leadership) by people with
        # each protected characteristic.
        "characteristics": [
            {"key": k, "label": label, "group": group} for k, label, group in PROTECTED_CHARACTERISTICS
        ],
        "dimensions": [
            {"key": "owned", "question": "Is your business majority owned by {group}?", "label": "Majority owned"},
            {"key": "led", "question": "Is your business led by {group}?", "label": "Led"},
        ],
        "answers": [
            {"key": ANSWER_YES, "label": "Yes"},
            {"key": ANSWER_NO, "label": "No"},
            {"key": ANSWER_PREFER_NOT, "label": "Prefer not to say"},
        ],
        # Coventry note 3.2.7: barriers to accessing and tendering for council contracts.
        "barriers": [
            {"key": "finding_opportunities", "label": "Finding out about opportunities"},
            {"key": "contract_size", "label": "Contracts are too large for us"},
            {"key": "paperwork", "label": "Too much paperwork or a complicated process"},
            {"key": "requirements", "label": "Insurance, accreditation or financial requirements"},
            {"key": "timescales", "label": "Not enough time to respond"},
            {"key": "feedback", "label": "Little or no feedback on unsuccessful bids"},
            {"key": "price_over_quality", "label": "Price counts for more than quality or social value"},
            {"key": "technology", "label": "Using the e-tendering portal"},
        ],
        # Coventry note 3.2.8: targeted Meet the Buyer events.
        "meet_the_buyer": [
            {"key": "yes", "label": "Yes"},
            {"key": "maybe", "label": "Maybe"},
            {"key": "no", "label": "No"},
        ],
    },
}

CURRENT_VERSION = max(QUESTION_SETS)


def question_set(version: int | None = None) -> dict:
    """A copy of an issued question set (the current one by default), safe to store on a campaign."""
    return copy.deepcopy(QUESTION_SETS[version or CURRENT_VERSION])


def answer_key(dimension: str, characteristic: str) -> str:
    return f"{dimension}__{characteristic}"


def validate_answers(schema: dict, data: dict) -> dict:
    """Check answers against the question set they answer; return them cleaned.

    Every protected-characteristic question needs an answer ("prefer not to say" is one), so
    each question's answers add up to the number of responses (see ``suppliers.diversity``).
    Raises ``ValueError`` naming the first problem.
    """
    allowed = {a["key"] for a in schema["answers"]}
    cleaned: dict = {}
    for dimension in schema["dimensions"]:
        for characteristic in schema["characteristics"]:
            key = answer_key(dimension["key"], characteristic["key"])
            if data.get(key) not in allowed:
                raise ValueError(f"Answer every question, choosing 'Prefer not to say' if you wish: {key}")
            cleaned[key] = data[key]
    barriers = {b["key"] for b in schema["barriers"]}
    chosen = list(data.get("barriers") or [])
    if not set(chosen) <= barriers:
        raise ValueError("Choose barriers from the list")
    cleaned["barriers"] = [b["key"] for b in schema["barriers"] if b["key"] in chosen]
    cleaned["barriers_other"] = str(data.get("barriers_other") or "").strip()[:2000]
    cleaned["council_could_do"] = str(data.get("council_could_do") or "").strip()[:2000]
    options = {o["key"] for o in schema["meet_the_buyer"]}
    if data.get("meet_the_buyer") not in options:
        raise ValueError("Say whether you are interested in Meet the Buyer events")
    cleaned["meet_the_buyer"] = data["meet_the_buyer"]
    return cleaned


def answer_rows(schema: dict, answers: dict) -> list[tuple[str, str]]:
    """(question, answer) pairs to show, worded as in the question set the answers were given to."""
    labels = {a["key"]: a["label"] for a in schema["answers"]}
    rows = []
    for characteristic in schema["characteristics"]:
        for dimension in schema["dimensions"]:
            key = f"{dimension['key']}__{characteristic['key']}"
            rows.append(
                (
                    dimension["question"].format(group=characteristic["group"]),
                    labels.get(answers.get(key), "Not answered"),
                )
            )
    barriers = {b["key"]: b["label"] for b in schema["barriers"]}
    rows.append(
        (
            "What makes it hard to tender",
            ", ".join(barriers[k] for k in answers.get("barriers", []) if k in barriers) or "None chosen",
        )
    )
    rows.append(("Anything else that makes tendering hard", answers.get("barriers_other") or "Nothing given"))
    rows.append(("What the council could do", answers.get("council_could_do") or "Nothing given"))
    mtb = {o["key"]: o["label"] for o in schema["meet_the_buyer"]}
    rows.append(("Interested in Meet the Buyer events", mtb.get(answers.get("meet_the_buyer"), "Not answered")))
    return rows
