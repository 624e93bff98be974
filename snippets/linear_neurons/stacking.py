"""Two stacked linear layers are one linear layer; a ReLU between them changes that."""

# --8<-- [start:collapse]
import torch
import torch.nn as nn

torch.manual_seed(0)
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

layer1, layer2 = nn.Linear(3, 4).to(device), nn.Linear(4, 1).to(device)
# nn.Linear computes x @ weight.T + bias:
# W1 is layer1.weight.T, W2 is layer2.weight.T
W1, b1 = layer1.weight.T, layer1.bias
W2, b2 = layer2.weight.T, layer2.bias
W, b = W1 @ W2, b1 @ W2 + b2  # the single equivalent layer

# Drawn on the CPU, then moved: every device gets the same numbers (and the
# same random state for what follows), as a GPU has its own generator.
x = torch.randn(5, 3).to(device)
with torch.no_grad():
    same = torch.allclose(layer2(layer1(x)), x @ W + b, atol=1e-6)
print("two stacked layers equal one layer (W1 W2, b1 W2 + b2):", same)
# --8<-- [end:collapse]

# --8<-- [start:nonlinear]
x = torch.linspace(-3, 3, 256, device=device).view(-1, 1)
target = torch.sin(2 * x)  # not a straight line

def train(model, steps=300):
    """Full-batch Adam on the MSE; returns the trained model's MSE."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), target)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.inference_mode():  # evaluation: no graph recorded
        return nn.functional.mse_loss(model(x), target).item()

m = 1
# Two linear layers, nothing between them: still linear
linear = nn.Sequential(nn.Linear(m, 16), nn.Linear(16, 1)).to(device)
relu_net = nn.Sequential(
    nn.Linear(m, 16),
    nn.ReLU(),  # the non-linearity
    nn.Linear(16, 1),
).to(device)
print(f"two linear layers: MSE {train(linear):.3f}")
print(f"with a ReLU:       MSE {train(relu_net):.3f}")
# --8<-- [end:nonlinear]
