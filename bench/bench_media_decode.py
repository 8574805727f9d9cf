"""Frame access speed: random access latency (cold and warm cache) in a 720p H.264 file, and
sequential decoding throughput at 720p and 1080p, through VideoDecoder (RGB pictures out).

720p: cockatoo_handheld.mp4 (real handheld footage, 1280x720, 20 fps, 280 frames, keyframes about
every 70 frames, so a cold random frame decodes half a GOP on average). 1080p: the same footage
scaled to 1920x1080 H.264 at 30 fps with a keyframe every 40 frames (see media_inputs.hd_1080).

    python bench/bench_media_decode.py
"""
from __future__ import annotations

import random
import statistics
import time

import media_inputs

from desktop.media.decoder import VideoDecoder
from desktop.media.framecache import FrameCache

REQUESTS = 80


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def random_access(path) -> None:
    started = time.perf_counter()
    decoder = VideoDecoder(path, cache=FrameCache(1 << 30))
    opened = time.perf_counter() - started
    order = random.Random(0).sample(range(len(decoder)), REQUESTS)
    timings = {}
    for name in ("cold", "warm"):  # warm: the same frames again, now cached
        latencies = []
        for n in order:
            t = time.perf_counter()
            decoder.frame(n)
            latencies.append((time.perf_counter() - t) * 1000)
        timings[name] = latencies
    print(f"random access, {path.name} ({decoder.size[0]}x{decoder.size[1]}, {len(decoder)} frames, "
          f"{len(decoder.index.keyframes)} keyframes), {REQUESTS} random frames:")
    print(f"  open (index + first frame)  {opened * 1000:7.1f} ms")
    for name, latencies in timings.items():
        print(f"  {name:<5} median {statistics.median(latencies):8.3f} ms   p95 {percentile(latencies, 95):8.3f} ms")


def sequential(path) -> None:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        t = time.perf_counter()
        count = sum(1 for _ in container.decode(stream))
        raw = count / (time.perf_counter() - t)
    decoder = VideoDecoder(path)  # no cache: every frame decoded and converted
    t = time.perf_counter()
    for n in range(len(decoder)):
        decoder.frame(n)
    ours = len(decoder) / (time.perf_counter() - t)
    print(f"sequential, {path.name} ({decoder.size[0]}x{decoder.size[1]}): {ours:6.1f} frames/s as RGB "
          f"pictures ({decoder.seeks} seek), PyAV decoding alone {raw:6.1f} frames/s")


def main() -> None:
    hd720 = media_inputs.shared("cockatoo_handheld.mp4")
    hd1080 = media_inputs.hd_1080()
    random_access(hd720)
    sequential(hd720)
    sequential(hd1080)


if __name__ == "__main__":
    main()
