"""Each claim of the chapter "Deep Learning 4 — Training deep networks", checked numerically, beyond what its printed outputs show."""

from coursekit.project import SNIPPETS

CHAPTER = SNIPPETS / "training_deep_networks"


def test_the_mean_of_uniform_numbers_comes_closer_to_one_half(script_runs):
    running = script_runs(CHAPTER / "first_steps.py").namespace["running"].cpu()
    n = len(running)
    # One number drawn uniformly in [0, 1) has variance 1/12: the mean of n lies within a few
    # 1 / sqrt(12 n) of 1/2.
    assert abs(running[-1].item() - 0.5) < 3 / (12 * n) ** 0.5
    assert abs(running[-1].item() - 0.5) < abs(running[9].item() - 0.5)
