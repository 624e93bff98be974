"""Solutions to exercises 5 to 7 of "Training deep networks":
regularisation and learning-rate schedules."""

# --8<-- [start:setup]
import math

import torch
import torch.nn as nn

torch.manual_seed(0)  # the layers and masks below draw random numbers
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU
# --8<-- [end:setup]

# --8<-- [start:decay-alone]
layer = nn.Linear(64, 100).to(device)
w = layer.weight
start = w.detach().norm().item()
eta, lam, steps = 0.1, 0.1, 50
optimizer = torch.optim.SGD([w], lr=eta, weight_decay=lam)
for t in range(steps):
    w.grad = torch.zeros_like(w)  # no gradient from any loss
    optimizer.step()  # w <- w - eta * (0 + lam * w)
print(f"norm after {steps} steps / at the start: "
      f"{w.detach().norm().item() / start:.4f}")
print(f"(1 - eta * lam) ** {steps}: {(1 - eta * lam) ** steps:.4f}")
# --8<-- [end:decay-alone]

# --8<-- [start:step-decay]
from torch.optim.lr_scheduler import CosineAnnealingLR, StepLR

rates = {}
for name in ("step", "cosine"):
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.3)
    scheduler = (StepLR(optimizer, step_size=8, gamma=0.1)
                 if name == "step" else CosineAnnealingLR(optimizer, 20))
    rates[name] = []
    for epoch in range(20):
        rates[name].append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # no gradients: changes nothing
        scheduler.step()
for k in (0, 7, 8, 16, 19):
    step = 0.3 * 0.1 ** (k // 8)
    cosine = 0.3 * (1 + math.cos(math.pi * k / 20)) / 2
    print(f"epoch index {k:2d}: step {rates['step'][k]:.4f} "
          f"(formula {step:.4f}), cosine {rates['cosine'][k]:.4f} "
          f"(formula {cosine:.4f})")
# --8<-- [end:step-decay]

# --8<-- [start:adam-l2]
eta, steps = 0.01, 100
for lam in (0.1, 0.001):
    for name, Optimiser in [("Adam + L2", torch.optim.Adam),
                            ("AdamW", torch.optim.AdamW)]:
        w = nn.Parameter(torch.ones(1).to(device))
        optimizer = Optimiser([w], lr=eta, weight_decay=lam)
        trace = []
        for t in range(steps):
            w.grad = torch.zeros_like(w)  # no gradient from the data
            optimizer.step()
            trace.append(w.item())
        print(f"lambda {lam:<6}{name:<10} w after 1 step {trace[0]:.4f},"
              f" after {steps}: {trace[-1]:.3f}")
print(f"(1 - eta * lambda) ** {steps}: {(1 - eta * 0.1) ** steps:.3f}, "
      f"{(1 - eta * 0.001) ** steps:.3f}")
# --8<-- [end:adam-l2]
