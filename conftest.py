import os

os.environ.setdefault("MPLBACKEND", "Agg")  # figures are drawn, never shown on a screen

pytest_plugins = ["coursekit.pytest_pages"]
