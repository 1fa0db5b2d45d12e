"""The PNG of bench/compare.py: throughput (msgs/s and store ops/s, log
scale) and round-trip latency per system, from the table's medians."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"ours": "#1f77b4", "upstream": "#d62728", "zmq": "#2ca02c",
          "tcp": "#7f7f7f"}
LABELS = {"ours": "ours", "upstream": "Broker 1.4", "zmq": "ZeroMQ",
          "tcp": "raw TCP echo"}


def bars(ax, groups, systems, log):
    """groups: [(label, {system: value})]; one bar per system per group."""
    width = 0.8 / len(systems)
    for i, system in enumerate(systems):
        xs, ys = [], []
        for g, (_, vals) in enumerate(groups):
            if vals.get(system):
                xs.append(g + (i - (len(systems) - 1) / 2) * width)
                ys.append(vals[system])
        ax.bar(xs, ys, width, label=LABELS[system], color=COLORS[system])
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([label for label, _ in groups], rotation=35,
                       ha="right", fontsize=8)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=8, loc="lower left", ncol=len(systems))
    ax.grid(axis="y", alpha=0.3)


def draw(trows, path, info):
    rates, latency = [], []
    for _, title, metric, vals, _, _ in trows:
        if metric in ("p50 us", "p99 us"):
            latency.append((f"{title} {metric[:3]}", vals))
        elif metric != "secs" and not metric.endswith(" us"):
            label = title if metric == "msgs/s" else f"{title}: {metric}"
            rates.append((label.replace("store ops/s, ", "store "), vals))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 10))
    bars(top, rates, ["ours", "upstream", "zmq"], log=True)
    top.set_ylabel("messages or operations per second (log)")
    top.set_title("Throughput (higher is better)")
    bars(bottom, latency, ["ours", "upstream", "zmq", "tcp"], log=True)
    bottom.set_ylabel("microseconds (log)")
    bottom.set_title("Round trip (lower is better; ZeroMQ REQ/REP and raw TCP "
                     "are plain in both groups)")
    fig.suptitle(f"bench/compare.py, {info['date']}: {info['nproc']} CPUs, "
                 f"{info['cpu']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
