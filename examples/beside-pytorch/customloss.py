import torch
from torch import nn


# A custom loss: squared for errors up to delta, linear beyond, so that
# outliers pull less than with the squared error.
def huber(y, t, delta):
    a = (y - t).abs()
    q = a.clamp(max=delta)
    return (0.5 * q**2 + delta * (a - q)).mean()


# Fit a line to y = 3x + 2 where every tenth point is an outlier 20 too high.
torch.manual_seed(0)
x = torch.linspace(-1, 1, 100).view(100, 1)
y = 3 * x + 2
y[::10] += 20
line = nn.Linear(1, 1)
opt = torch.optim.Adam(line.parameters(), lr=0.05)
for _ in range(1000):
    loss = huber(line(x), y, 1)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"w = {line.weight.item():.1f}, b = {line.bias.item():.1f}")
