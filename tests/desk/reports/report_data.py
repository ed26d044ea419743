"""A small desk with known claims for the report tests: seeds, and claims on three articles."""

from __future__ import annotations

from desk import Desk

#: (article title word, quote, source, figure, status, tags)
CLAIMS = [
    ("Wildfire", "hospital admissions up 23%", "regional health authority", "23%", "verified",
     ["health"]),
    ("Wildfire", "showed 1,870 emergency admissions", "regional health authority", "1,870",
     "false", ["health"]),
    ("Wildfire", "burned about 48,000 hectares", "fire service", "48,000 hectares",
     "misleading", []),
    ("Wildfire", "Some 6,300 people were ordered", "fire service", "6,300", "unchecked", []),
    ("Vaccination", "", "", "", "checking", ["health"]),
]


def fill(desk: Desk) -> list[str]:
    """Tag the claims of :data:`CLAIMS` (the vaccination one on the first sentence); their ids."""
    ids = []
    for word, quote, source, figure, status, tags in CLAIMS:
        article = next(a for a in desk.articles() if word in a.title)
        if not quote:
            quote = article.body.split("\n\n")[1][:40]
        start = article.body.index(quote)
        claim = desk.add_claim(article.id, start, start + len(quote), source=source,
                               figure=figure, status=status, tags=tags)
        ids.append(claim.id)
    return ids
