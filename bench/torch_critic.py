"""The default critic (40-256-256-1, ReLU, float32) in PyTorch, timed as a round task runs
it: forward and backward over a joint batch (gradient of the sum of T) and a marginal batch
of the same size (gradient of the sum of exp(T - max T) T). Prints one header line, then
"batch rows_per_second" per batch size, rows counting joint plus marginal."""

import argparse
import statistics
import time

import torch


def critic(input_dim, hidden):
    layers = []
    width = input_dim
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 1))
    return torch.nn.Sequential(*layers)


def one_round(net, joint, marginal):
    net.zero_grad(set_to_none=False)
    net(joint).sum().backward()
    t = net(marginal)
    # The weights are constants, as the shifted exp(T) seeds of the JVM's backward pass.
    weights = torch.exp(t.detach() - t.detach().max())
    (weights * t).sum().backward()


def median_seconds(call, seconds):
    call()
    call()
    times = []
    end = time.perf_counter() + seconds
    while len(times) < 5 or time.perf_counter() < end:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", default="256,1024,4096,16384,65536")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--dimension", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = critic(2 * args.dimension, [256, 256])
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    for batch in [int(b) for b in args.batches.split(",")]:
        joint = torch.randn(batch, 2 * args.dimension)
        marginal = torch.randn(batch, 2 * args.dimension)
        seconds = median_seconds(lambda: one_round(net, joint, marginal), args.seconds)
        print(f"{batch} {2 * batch / seconds:.0f}")


if __name__ == "__main__":
    main()
