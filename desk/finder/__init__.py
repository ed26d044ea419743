"""Finding claims worth checking: sentences, attribution, scoring, and stored suggestions."""
