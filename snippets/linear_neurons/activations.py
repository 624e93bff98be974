"""Sigmoid, tanh and ReLU: values, ranges, and where their gradient vanishes."""

# --8<-- [start:values]
import torch

accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

z = torch.tensor([-6.0, -2.0, 0.0, 2.0, 6.0], device=device,
                 requires_grad=True)
activations = {"sigmoid": torch.sigmoid, "tanh": torch.tanh,
               "ReLU": torch.relu}
print(f"{'z':<14}" + "".join(f"{v:8.1f}" for v in z.tolist()))
for name, f in activations.items():
    out = f(z)
    slope, = torch.autograd.grad(out.sum(), z)  # derivative at each z
    for label, row in [(f"{name} f(z)", out), (f"{name} f'(z)", slope)]:
        print(f"{label:<14}" + "".join(f"{v:8.3f}" for v in row.tolist()))
# Rounded to 3 decimals, tanh(±6) shows as ±1; more digits show the gap:
print(f"tanh(6) = {torch.tanh(torch.tensor(6.0)).item():.5f}")
# --8<-- [end:values]

# --8<-- [start:figure]
import matplotlib.pyplot as plt

z = torch.linspace(-6, 6, 241, requires_grad=True)
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4), num="activations")
for name, f in activations.items():
    out = f(z)
    slope, = torch.autograd.grad(out.sum(), z)
    left.plot(z.detach(), out.detach(), label=name)
    right.plot(z.detach(), slope, label=name)
left.set(title="f(z)", xlabel="z", ylim=(-1.2, 2.2))
right.set(title="f′(z)", xlabel="z")
left.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:figure]
