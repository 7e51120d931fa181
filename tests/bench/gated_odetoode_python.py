#!/usr/bin/python3
"""Gated-ODEtoODE classifier training written the way a PyTorch user would (ode-to-ode.md
section 3.1): torch.matrix_exp per Euler step in a Python loop, autograd, torch.optim.Adam.
The baseline of bench_supervised; prints one line, "images_per_s <value>".

  gated_odetoode_python.py --flow-steps N --gates G --width W --batch B --batches K
"""
import argparse
import math
import time

import torch


class GatedOdeToOde(torch.nn.Module):
    def __init__(self, width, gates, gate_width, flow_steps):
        super().__init__()
        self.steps = flow_steps
        self.embed = torch.nn.Linear(784, width)
        self.readout = torch.nn.Linear(width, 10)
        self.start = torch.nn.Parameter(torch.linalg.qr(torch.randn(width, width))[0])
        self.bias = torch.nn.Parameter(torch.zeros(width))
        self.coefficients = torch.nn.Parameter(torch.full((gates,), 1.0 / gates))
        self.gate_in = torch.nn.Parameter(torch.randn(gates, gate_width))
        self.gate_bias = torch.nn.Parameter(torch.randn(gates, gate_width))
        self.gate_out = torch.nn.Parameter(torch.randn(gates, gate_width, width, width) / math.sqrt(width * gate_width))

    def forward(self, images):
        h = 1.0 / self.steps
        x = self.embed(images.reshape(images.shape[0], -1))
        W = self.start
        for i in range(self.steps):
            t = i * h
            hidden = self.coefficients[:, None] * torch.abs(self.gate_in * t + self.gate_bias)  # (g, s)
            G = torch.einsum("gs,gsij->ij", hidden, self.gate_out)
            W = W @ torch.matrix_exp(h * (G - G.T))
            x = x + h * torch.abs(x @ W.T + self.bias)
        return self.readout(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flow-steps", type=int, default=100)
    parser.add_argument("--gates", type=int, default=10)
    parser.add_argument("--gate-width", type=int, default=2)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--batches", type=int, default=5)
    arguments = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = GatedOdeToOde(arguments.width, arguments.gates, arguments.gate_width, arguments.flow_steps)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images = torch.rand(arguments.batch, 28, 28)
    labels = torch.randint(0, 10, (arguments.batch,))

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()

    step()  # warm-up
    start = time.perf_counter()
    for _ in range(arguments.batches):
        step()
    elapsed = time.perf_counter() - start
    print(f"images_per_s {arguments.batch * arguments.batches / elapsed:.1f}")


if __name__ == "__main__":
    main()
