"""Running the code: bounded workers, page blocks, snippet scripts, their outputs and provenance."""
