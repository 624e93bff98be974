"""Solutions to exercises 5 and 6 of "Training deep networks": weight decay."""

# --8<-- [start:setup]
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
