"""Two (or more) protected attributes crossed into one: ``race × gender``.

The dataset audit looks at one attribute at a time; a gap can hide in a combination
(Black women) that neither attribute shows alone. :func:`with_intersection` adds the
combination as one more grouping column, so representation, base rates, missing values,
feature spreads and per-group verdicts all work on it unchanged. Its groups are the
combinations that occur, labelled as the Subgroups page labels them (``Black · female``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from fairness_core.data import AuditData, GroupColumn
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import combine_group_codes, decode_group_labels

__all__ = ["INTERSECTION_SIGN", "intersection_name", "with_intersection"]

#: Joins the attributes' names in the intersection's name.
INTERSECTION_SIGN = " × "


def intersection_name(attributes: Sequence[str]) -> str:
    """The intersection's name: ``race × gender``."""
    return INTERSECTION_SIGN.join(attributes)


def with_intersection(data: AuditData, attributes: Sequence[str]) -> AuditData:
    """``data`` with one more grouping column: the combinations of ``attributes``' groups."""
    names = tuple(attributes)
    known = {g.name for g in data.groups}
    unknown = [a for a in names if a not in known]
    if len(set(names)) < 2 or unknown:
        raise InvalidInputError(
            "An intersection needs two different protected attributes of this audit. "
            f"Expected two of: {', '.join(sorted(known))}. Got {list(names)}. Choose two."
        )
    name = intersection_name(names)
    if name in known:
        return data
    columns = [data.group(a) for a in names]
    combined, present, radices = combine_group_codes(columns)
    occurring, codes = np.unique(combined, return_inverse=True)
    mixed = occurring if present is None else present[occurring]
    labels = tuple(" · ".join(parts) for parts in decode_group_labels(mixed, columns, radices))
    column = GroupColumn(name, labels, codes.astype(np.int32).reshape(-1))
    return replace(data, groups=(*data.groups, column))
