import torch
from torch import nn


# A model with two inputs: each has its own branch, and a head reads both.
class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch_a = nn.Sequential(nn.Linear(3, 32), nn.ReLU())
        self.branch_b = nn.Sequential(nn.Linear(4, 32), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, a, b):
        return self.head(torch.cat([self.branch_a(a), self.branch_b(b)], 1))


# It learns the product of the sums of the two inputs' features.
torch.manual_seed(0)
a, b = torch.randn(256, 3), torch.randn(256, 4)
target = a.sum(1, keepdim=True) * b.sum(1, keepdim=True)
model = TwoInputs()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
losses = []
for _ in range(501):
    loss = nn.functional.mse_loss(model(a, b), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
print("loss fell tenfold:", losses[-1] < losses[0] / 10)
