"""The applicants' personal data: names, e-mails, phones, ID and card numbers (Module 01).

Every number looks real but belongs to no one: the ID numbers are never issued as Social
Security numbers (areas 900-999) nor as IRS taxpayer numbers, the card numbers start "4000 00"
like the test cards payment providers publish and pass the Luhn check (``docs/references.md``,
``ssn-unissued-areas``, ``irs-taxpayer-number-ranges`` and ``test-card-numbers``), and no two
applicants share an ID, a phone or a card.
"""

from __future__ import annotations

import numpy as np


def _personal_data(first: np.ndarray, last: np.ndarray,
                   contact: dict[str, tuple[np.ndarray, ...]]) -> dict[str, list[str]]:
    """The :data:`PII_COLUMNS`, written from the drawn names and contact numbers.

    Written from Python values (``.tolist()``), not numpy's: 100,000 applicants (lesson 06's
    false-alarm draws) took 1.2 s instead of 1.7 s on 2 cores; most of that is this writing.
    """
    first, last = first.tolist(), last.tolist()
    numbers, streets = contact["address"]
    return {
        "name": [f"{f} {s}" for f, s in zip(first, last, strict=True)],
        "email": [f"{f.lower()}.{s.lower()}{i}@example.com"
                  for i, (f, s) in enumerate(zip(first, last, strict=True), start=1)],
        "phone": _phones(*contact["phone"]),
        "national_id": _national_ids(*contact["national_id"]),
        "address": [f"{k} {street}"
                    for k, street in zip(numbers.tolist(), streets.tolist(), strict=True)],
        "card_number": _card_numbers(*contact["card_number"]),
    }


#: Middle digits (the "group") of the synthetic 9xx ID numbers: in none of the IRS's ranges for
#: ITINs (50-65, 70-88, 90-92, 94-99), ATINs (93) or the campus codes its temporary numbers
#: (IRSNs) carry (01-10, 17-19, 28-29, 37-39, 49, 66, 89) (``docs/references.md``,
#: ``irs-taxpayer-number-ranges``).
_UNUSED_GROUPS = np.array([*range(11, 17), *range(20, 28), *range(30, 37), *range(40, 49),
                           *range(67, 70)])


def _national_ids(areas: np.ndarray, groups: np.ndarray, serials: np.ndarray) -> list[str]:
    """ID numbers in the US Social Security number format that are never issued as Social
    Security numbers.

    The area (first three digits) is 900-999, which the Social Security Administration never
    assigns (https://www.ssa.gov/employer/randomizationfaqs.html), and the group is one of
    :data:`_UNUSED_GROUPS`, so the number is no IRS taxpayer number (ITIN, ATIN or IRSN) either.
    The three draws (area 100-898, group 10-98, serial 1000-9998) are mapped, not redrawn, so
    every other column keeps its values: they are combined into one number, moved on by
    :func:`_distinct` if another applicant holds it, and spread over the 100 areas, 33 groups
    and serials 0001-9999.
    """
    combined = ((areas - 100) * 89 + (groups - 10)) * 8999 + (serials - 1000)
    combined = _distinct(combined % (100 * len(_UNUSED_GROUPS) * 9999),
                         100 * len(_UNUSED_GROUPS) * 9999)
    serial, rest = 1 + combined % 9999, combined // 9999
    area, group = 900 + rest % 100, _UNUSED_GROUPS[rest // 100]
    return [f"{a:03d}-{g:02d}-{c:04d}"
            for a, g, c in zip(area.tolist(), group.tolist(), serial.tolist(), strict=True)]


#: Card numbers start here, as many of the test card numbers payment providers publish do (for
#: example Stripe's 4000 0000 0000 0002, https://docs.stripe.com/testing). Providers publish
#: single numbers, not a reserved range: the rest of each number here is made up.
TEST_CARD_PREFIX = "400000"


def _phones(exchanges: np.ndarray, lines: np.ndarray) -> list[str]:
    """Made-up phone numbers, "+1-555-" then the exchange (100-998, drawn) and the line
    (0000-9998, drawn), one per applicant: a number already taken is moved on by
    :func:`_distinct`."""
    numbers = _distinct((exchanges - 100) * 10_000 + lines, 900 * 10_000)
    return [f"+1-555-{100 + k // 10_000:03d}-{k % 10_000:04d}" for k in numbers.tolist()]


def _distinct(numbers: np.ndarray, size: int) -> np.ndarray:
    """``numbers`` (each 0 to ``size`` - 1) with every repeat moved to the next number nobody
    holds, wrapping at ``size``: so no two applicants share an ID, a phone or a card, as real
    people would not. The first holder of each number keeps it, and a draw without repeats is
    returned as it came, so every other value in the table stays as drawn."""
    if len(numbers) > size:
        raise ValueError(f"{len(numbers):,} applicants cannot each have one of {size:,} "
                         "numbers: ask for fewer rows.")
    out = numbers.astype(np.int64)
    held, first = np.unique(out, return_index=True)
    if len(held) == len(out):
        return out
    taken = set(held.tolist())
    for i in np.setdiff1d(np.arange(len(out)), first):  # the repeats, in row order
        number = int(out[i])
        while number in taken:
            number = (number + 1) % size
        taken.add(number)
        out[i] = number
    return out


def _card_numbers(bodies: np.ndarray) -> list[str]:
    """Visa-style test card numbers: "400000", the last 9 digits of each body, then the Luhn
    check digit, so each passes the check the course's PII scanner applies to card numbers."""
    bodies = _distinct(bodies % 10**9, 10**9)
    digits = (bodies[:, None] // 10 ** np.arange(9)) % 10  # the body's digits, last first
    doubled = digits[:, 0::2] * 2  # Luhn doubles every second digit from the check digit
    total = np.where(doubled > 9, doubled - 9, doubled).sum(axis=1) + digits[:, 1::2].sum(axis=1)
    check = (10 - (total + 8) % 10) % 10  # + 8: the leading 4, doubled (the zeros add nothing)
    return [f"{TEST_CARD_PREFIX}{body:09d}{digit}"
            for body, digit in zip(bodies.tolist(), check.tolist(), strict=True)]
