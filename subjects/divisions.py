"""Loading the GB/T 2260 administrative divisions shipped in ``subjects/data/divisions.csv``.

The file holds every province-level division and, in full down to county level, Jilin (220000), Qinghai
(630000) and Jiangsu (320000), including the development zones that carry statistical division codes.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "divisions.csv"
LEVELS = ("province", "prefecture", "county")


def divisions_load(division_model) -> int:
    """Insert the divisions that are missing, parents before children; returns how many rows the file has.

    Takes the model class so the data migration can pass its historical model.
    """
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for level in LEVELS:
        division_model.objects.bulk_create(
            [
                division_model(code=row["code"], name=row["name"], level=level, parent_id=row["parent_code"] or None)
                for row in rows
                if row["level"] == level
            ],
            ignore_conflicts=True,
        )
    return len(rows)
