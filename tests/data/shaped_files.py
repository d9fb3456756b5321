"""Small generated files shaped like public datasets as they are downloaded.

- :func:`compas_csv`: ProPublica's COMPAS two-year file (``decile_score`` 1–10,
  ``score_text``, ``two_year_recid`` where 1 means re-offended, ``race``, ``sex``, ``age``);
- :func:`acs_employment_csv`: a US Census ACS PUMS extract as folktables' ACSEmployment
  uses it (``SEX``, ``RAC1P``, ``MAR`` codes, ``AGEP`` in years, weight ``PWGTP``, target
  ``employed``);
- :func:`german_data`: UCI Statlog German credit ``german.data``: whitespace-separated,
  no header row, coded attributes ``A11`` …, age in column 13, class (1 good, 2 bad) last.

Seeded, a few hundred rows: the shapes matter, not the numbers.
"""

from __future__ import annotations

import random

COMPAS_RACES = ("African-American", "Caucasian", "Hispanic", "Other", "Asian", "Native American")


def compas_csv(rows: int = 400, seed: int = 1) -> bytes:
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret
    lines = [
        "id,name,sex,age,age_cat,race,priors_count,decile_score,score_text,high_risk,"
        "is_recid,two_year_recid"
    ]
    for i in range(rows):
        age = rng.randint(18, 70)
        decile = rng.randint(1, 10)
        text = "Low" if decile <= 4 else "Medium" if decile <= 7 else "High"
        recid = int(rng.random() < 0.15 + decile * 0.05)
        category = "Less than 25" if age < 25 else "25 - 45" if age <= 45 else "Greater than 45"
        lines.append(
            f"{i + 1},person {i + 1},{rng.choice(['Male', 'Male', 'Female'])},{age},{category},"
            f"{rng.choice(COMPAS_RACES)},{rng.randint(0, 12)},{decile},{text},"
            f"{int(decile >= 5)},{recid if rng.random() < 0.9 else 1 - recid},{recid}"
        )
    return ("\n".join(lines) + "\n").encode()


def acs_employment_csv(rows: int = 400, seed: int = 2) -> bytes:
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret
    lines = ["SERIALNO,AGEP,SCHL,MAR,SEX,DIS,RAC1P,WKHP,PWGTP,employed"]
    for i in range(rows):
        age = rng.randint(16, 90)
        employed = int(18 <= age <= 66 and rng.random() < 0.7)
        lines.append(
            f"2019HU{100000 + i},{age},{rng.randint(1, 24)},{rng.randint(1, 5)},"
            f"{rng.randint(1, 2)},{rng.randint(1, 2)},{rng.choice([1, 1, 1, 2, 2, 6, 8, 9, 3])},"
            f"{rng.randint(0, 60)},{rng.randint(5, 200)},{employed}"
        )
    return ("\n".join(lines) + "\n").encode()


#: german.data's coded attributes: (codes or a numeric range) per column, in file order.
_GERMAN = (
    ("A11", "A12", "A13", "A14"),
    (4, 72),
    ("A30", "A31", "A32", "A33", "A34"),
    ("A40", "A41", "A42", "A43", "A44", "A45", "A46", "A48", "A49", "A410"),
    (250, 18424),
    ("A61", "A62", "A63", "A64", "A65"),
    ("A71", "A72", "A73", "A74", "A75"),
    (1, 4),
    ("A91", "A92", "A93", "A94"),
    ("A101", "A102", "A103"),
    (1, 4),
    ("A121", "A122", "A123", "A124"),
    (19, 75),
    ("A141", "A142", "A143"),
    ("A151", "A152", "A153"),
    (1, 4),
    ("A171", "A172", "A173", "A174"),
    (1, 2),
    ("A191", "A192"),
    ("A201", "A202"),
    (1, 2),
)


def german_data(rows: int = 300, seed: int = 3) -> bytes:
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret
    lines = []
    for _ in range(rows):
        values = [
            rng.choice(spec) if isinstance(spec[0], str) else str(rng.randint(*spec))  # type: ignore[arg-type]
            for spec in _GERMAN
        ]
        lines.append(" ".join(str(v) for v in values))
    return ("\n".join(lines) + "\n").encode()
