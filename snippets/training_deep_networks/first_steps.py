"""Deep Learning 4 — Training deep networks: first steps, the mean of random numbers."""

# --8<-- [start:running-mean]
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)  # the same numbers on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

n = 1000
x = torch.rand(n).to(device)  # drawn on the CPU: the same on any device
# running[k - 1]: the mean of the first k numbers
running = x.cumsum(0) / torch.arange(1, n + 1, device=device)
for k in (10, 100, n):
    print(f"mean of the first {k:4d}: {running[k - 1].item():.2f}")

# the page shows the figure's file, docs/assets/figures/<figure_name>.svg
figure_name = "training-deep-networks-running-mean"
fig, ax = plt.subplots(figsize=(6, 3), num=figure_name)
ax.plot(range(1, n + 1), running.cpu())
ax.axhline(0.5, color="0.5", linestyle="--", linewidth=1)
ax.set(xscale="log", xlabel="$n$", ylabel=r"$\bar{x}_n$")
fig.tight_layout()
plt.show()
# --8<-- [end:running-mean]
