import os

os.environ.setdefault("MPLBACKEND", "Agg")  # figures are drawn, never shown on a screen
if os.environ.get("PYTEST_XDIST_WORKER"):
    # A worker per core: one thread each for the maths, or their thread pools spin against each other.
    os.environ.setdefault("OMP_NUM_THREADS", "1")

pytest_plugins = ["coursekit.testing.pages", "coursekit.testing.chapters", "coursekit.testing.outcomes"]
