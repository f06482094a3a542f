"""Makes the import fixtures with PyTorch's own exporter (torch.onnx.export, opset 17).

Batch norm stays a BatchNormalization node (TrainingMode.PRESERVE on a model in eval mode;
EVAL would fold it into the convolutions). Run from this folder with Debian's python3-torch: /usr/bin/python3 gen.py
Writes mlp.onnx, cnn.onnx and lstm.onnx (float64, for the gradient checks), cnn32.onnx (float32, the
default model of examples/ch10-1-onnx-import) and, for each float64 model, NAME.json: the
input x, the output y, R, and the gradients of sum(y * R) with respect to every parameter,
by torch.autograd, in eval mode (batch norm uses its running statistics).
"""
import json

import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


class CNN(nn.Module):
    """conv-bn-relu, a residual block (conv-bn-relu-conv-bn + shortcut), max pooling,
    global average pooling and a linear layer: MNIST images to 10 scores."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = nn.functional.max_pool2d(h, 2)
        r = self.bn3(self.conv3(torch.relu(self.bn2(self.conv2(h)))))
        h = torch.relu(h + r)
        h = nn.functional.adaptive_avg_pool2d(h, 1)
        return self.fc(torch.flatten(h, 1))


class LSTMClassifier(nn.Module):
    """A one-layer LSTM over x [N T 5] (batch_first) and a linear layer on the last step's
    hidden state: 3 scores. torch.onnx.export writes the ONNX LSTM op (layout 0, after a
    Transpose) with its gate rows reordered by Slice and Concat of the parameters, and the
    zero initial state from Shape, Gather and ConstantOfShape."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 8, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


def export(model, name, dtype, shape=(2, 1, 28, 28)):
    torch.manual_seed(0)
    model = model.to(dtype)
    # Running statistics other than 0 and 1, so that the import must read them.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    model.eval()
    x = torch.rand(*shape, dtype=dtype)
    torch.onnx.export(model, x, name + ".onnx", opset_version=17, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}, "y": {0: "N"}}, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    if dtype != torch.float64:
        return
    y = model(x)
    r = torch.randn(y.shape, dtype=dtype)
    (y * r).sum().backward()
    ref = {"x": x.flatten().tolist(), "x_shape": list(x.shape), "y": y.detach().flatten().tolist(),
           "r": r.flatten().tolist(), "grads": {n: p.grad.flatten().tolist() for n, p in model.named_parameters()}}
    with open(name + ".json", "w") as f:
        json.dump(ref, f)


torch.manual_seed(0)
export(MLP(), "mlp", torch.float64)
torch.manual_seed(0)
export(CNN(), "cnn", torch.float64)
torch.manual_seed(0)
export(CNN(), "cnn32", torch.float32)
torch.manual_seed(0)
export(LSTMClassifier(), "lstm", torch.float64, shape=(3, 6, 5))
