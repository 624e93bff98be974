"""Every training loop of every chapter sets training mode before its optimiser steps."""

import pytest

from coursekit.checks.training_mode import training_mode_problems
from coursekit.project import ROOT, snippet_scripts

SCRIPTS = [str(p.relative_to(ROOT)) for p in snippet_scripts()]


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_training_loop_sets_training_mode(script):
    problems = training_mode_problems(ROOT / script)
    assert not problems, "\n".join(problems)


LOOP = """\
import torch
model, optimiser = torch.nn.Linear(2, 1), None

def evaluate(model):
    model.eval()

def fit(model, epochs):
{body}
"""


@pytest.mark.machinery
@pytest.mark.parametrize("body, problem", [
    ("    model.train()\n    for epoch in range(epochs):\n        loss.backward()\n        optimiser.step()\n"
     "        evaluate(model)\n", "the loop evaluates, then steps in evaluation mode"),
    ("    for epoch in range(epochs):\n        loss.backward()\n        optimiser.step()\n",
     "no model.train() before the optimiser's step"),
    ("    evaluate(model)\n    loss.backward()\n    optimiser.step()\n", "no model.train() before the optimiser's step"),
    ("    for epoch in range(epochs):\n        model.train()\n        loss.backward()\n        optimiser.step()\n"
     "        evaluate(model)\n", None),
])
def test_a_step_outside_training_mode_is_named_with_its_line(tmp_path, body, problem):
    script = tmp_path / "loop.py"
    script.write_text(LOOP.format(body=body), encoding="utf-8")
    problems = training_mode_problems(script)
    if problem is None:
        assert problems == []
    else:
        step = 1 + LOOP.format(body=body).splitlines().index(
            next(line for line in LOOP.format(body=body).splitlines() if "optimiser.step()" in line))
        assert problems and problems[0].startswith(f"{script}:{step}: {problem}"), problems
