"""Flow extension on real footage: cut each clip in ../shared/media at several points, extend 0.5 s
from the frames before the cut, and compare with the true frames (PSNR), against repeating the
last frame. Prints a line per clip and the overall figures.

    .venv/bin/python bench/bench_flow_extend.py [--cuts N] [--context N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.media.decoder import VideoDecoder  # noqa: E402
from generation.flow_extend import _psnr, extend_iter  # noqa: E402
from generation.sampler import run_to_end  # noqa: E402

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cuts", type=int, default=8)
    parser.add_argument("--context", type=int, default=5)
    args = parser.parse_args()
    if not MEDIA.is_dir():
        sys.exit(f"no real clips at {MEDIA}")
    all_flow, all_still, wins, total, seconds, frames_made = [], [], 0, 0, 0.0, 0
    print(f"{'clip':34s} {'size':>9s} {'flow dB':>8s} {'repeat dB':>9s} {'gain':>6s}  ms/frame")
    for path in sorted(MEDIA.glob("*.*")):
        if path.suffix == ".md":
            continue
        with VideoDecoder(path) as dec:
            rate = float(dec.index.rate)
            n = max(2, round(0.5 * rate))
            cuts = np.linspace(args.context + 2, len(dec) - n - 1, args.cuts).astype(int)
            flow_db, still_db = [], []
            for cut in cuts:
                context = np.stack([dec.frame(i) for i in range(cut - args.context, cut)])
                truth = [dec.frame(i) for i in range(cut, cut + n)]
                start = time.perf_counter()
                new = run_to_end(extend_iter(context, n))
                seconds += time.perf_counter() - start
                frames_made += n
                flow_db.append(np.mean([_psnr(a, b) for a, b in zip(new, truth)]))
                still_db.append(np.mean([_psnr(context[-1], b) for b in truth]))
            size = f"{dec.size[0]}x{dec.size[1]}"
        f, s = float(np.mean(flow_db)), float(np.mean(still_db))
        wins += f > s
        total += 1
        all_flow += flow_db
        all_still += still_db
        print(f"{path.name:34s} {size:>9s} {f:8.2f} {s:9.2f} {f - s:+6.2f}  {1000 * seconds / frames_made:6.0f}")
    f, s = float(np.mean(all_flow)), float(np.mean(all_still))
    print(f"all {len(all_flow)} cuts: flow {f:.2f} dB, repeat last frame {s:.2f} dB, gain {f - s:+.2f} dB; "
          f"flow ahead on {wins} of {total} clips; {1000 * seconds / frames_made:.0f} ms per frame")


if __name__ == "__main__":
    main()
