"""Demo checks and feedback, so the check pages and the centre's dashboard have something to show."""

from __future__ import annotations

import random

from audit.services import Actor
from organisations.models import Department

from .choices import MembershipState
from .models import Check, Membership
from .services import check_feedback, check_perform

DEMO_CHECKS = [
    ("jl-scjg", "licensing"),
    ("jl-scjg", "supervision"),
    ("jl-czt", "procurement"),
    ("jl-fgw", "bidding"),
    ("jl-zjt", "bidding"),
    ("jl-czt", "subsidy"),
]


def demo_checks_seed(*, seed: int = 2026) -> int:
    """A few checks of listed subjects per department, with feedback on most measures. Seeded once."""
    if Check.objects.exists():
        return 0
    rng = random.Random(seed)
    listed = list(
        Membership.objects.filter(state=MembershipState.ACTIVE).values_list("subject__uscc", flat=True).order_by("pk")
    )
    if not listed:
        return 0
    actor = Actor.system("演示数据")
    created = 0
    for n, (code, scenario) in enumerate(DEMO_CHECKS * 2):
        department = Department.objects.filter(code=code).first()
        if department is None:
            continue
        codes = rng.sample(listed, min(len(listed), rng.randint(2, 6)))
        check = check_perform(
            department=department, scenario=scenario, reference=f"DEMO-2026-{n + 1:03d}", codes=codes, actor=actor
        )
        items = [
            {"subject": result["subject"], "measure": measure["code"], "applied": rng.random() < 0.8}
            for result in check.results
            if result.get("found")
            for measure in result["measures"]
            if rng.random() < 0.75
        ]
        if items:
            check_feedback(check=check, department=department, items=items, actor=actor)
        created += 1
    return created
