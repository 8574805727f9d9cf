"""Playback through the real viewer: dropped frames, picture lateness (A/V drift), UI responsiveness.

The timeline: one 30 s 1080p30 H.264 clip with stereo AAC (Big Buck Bunny's first 30 s from
../shared/media, scaled to 1920x1080 and retimed to 30 fps, a keyframe every 2 s; made once in the
temp folder) on V1 with its sound on A1. The Viewer plays it in an offscreen window, exactly as in
the editor: decode-ahead thread, 60 Hz poll timer, painting.

Phases:
  play-960   30 s of playback, the picture area 960x540 (the preview is composited at that size)
  play-1080  30 s at 100% (composited and painted at 1920x1080)
  play-sound 10 s at 960x540 with a virtual sound card (a thread pulling 10 ms blocks in real time),
             so the sound is the master clock as with a real device
  scrub      10 s of seeking to a random frame 20 times a second

Figures: frames shown and dropped (the clock passed them and they were never handed to the screen);
picture lateness (how long after its time on the master clock each frame reached the screen: the
A/V offset when the clock is the sound; on the system clock, the lag behind the ideal schedule; the
60 Hz poll adds up to 16.7 ms); UI event-loop delay from a 5 ms timer probe (p50/p99/max; aim p99 <
16 ms, max < 50 ms); for scrubbing, how many seeks reached the screen and how long they took.

    python bench/bench_playback.py [--seconds 30]
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from loop_probe import LoopProbe, run_until  # noqa: E402 (after the path is set)
from media_inputs import shared  # noqa: E402

FPS = 30
PREVIEW = (960, 540)


def make_clip() -> Path:
    """Big Buck Bunny 0-30 s as 1920x1080 30 fps H.264 (veryfast, crf 20, keyint 60) + AAC 48 kHz."""
    import av

    out = Path(tempfile.gettempdir()) / "framesmith-bench" / "bbb_1080p30.mp4"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_suffix(".part.mp4")
    with av.open(str(shared("big_buck_bunny_0_30.webm"))) as src, av.open(str(part), "w") as dst:
        video = dst.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = 1920, 1080, "yuv420p"
        video.options = {"preset": "veryfast", "crf": "20", "g": "60"}
        sound = dst.add_stream("aac", rate=48000, layout="stereo")
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
        sv, sa = src.streams.video[0], src.streams.audio[0]
        n = 0  # output frames written
        last = None
        for packet in src.demux(sv, sa):
            for frame in packet.decode():
                if isinstance(frame, av.AudioFrame):
                    for part_frame in resampler.resample(frame):
                        part_frame.pts = None
                        dst.mux(sound.encode(part_frame))
                    continue
                t = frame.time
                big = frame.reformat(1920, 1080, "yuv420p", interpolation="BICUBIC")
                while last is not None and n / FPS < t:  # repeat the last picture until this one's time
                    last.pts, last.time_base = n, Fraction(1, FPS)
                    dst.mux(video.encode(last))
                    n += 1
                last = big
        while n < 30 * FPS:
            last.pts, last.time_base = n, Fraction(1, FPS)
            dst.mux(video.encode(last))
            n += 1
        dst.mux(video.encode(None))
        dst.mux(sound.encode(None))
    part.rename(out)
    return out


class VirtualSoundCard:
    """Pulls 10 ms blocks from the player in real time on its own thread, as a device callback does."""

    def __init__(self, sample_rate, fill):
        self._fill, self._rate = fill, sample_rate
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        n = self._rate // 100
        out = np.empty((n, 2), np.float32)
        due = time.monotonic()
        while not self._stop.is_set():
            self._fill(out, 0.02)  # a typical device delay: 20 ms between hand-over and hearing
            due += n / self._rate
            time.sleep(max(0.0, due - time.monotonic()))

    def close(self):
        self._stop.set()
        self._thread.join()


def spin(seconds: float, until=None) -> None:
    """Run the Qt event loop for `seconds`, or until `until()` is true."""
    run_until(until or (lambda: False), seconds)


def delays_text(figures: dict[str, float]) -> str:
    return f"UI delay p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, max {figures['max']:.1f} ms"


def make_viewer(clip: Path, open_output):
    from desktop.media.probe import media_for
    from desktop.timeline import organize
    from desktop.ui.playhead import Playhead
    from desktop.ui.session import Session, default_project
    from desktop.ui.viewer import Viewer

    session = Session(default_project())
    session.project.fps = Fraction(FPS)
    session.edit(organize.import_media, media_for(clip, session.project.fps))
    viewer = Viewer(session, Playhead(), open_output=open_output)
    viewer.resize(1000, 700)
    viewer.show()
    spin(0.3)
    extra_w = viewer.width() - viewer.screen_.width()
    extra_h = viewer.height() - viewer.screen_.height()
    viewer.resize(PREVIEW[0] + extra_w, PREVIEW[1] + extra_h)
    spin(0.5)
    return viewer


def play_phase(name: str, viewer, seconds: float, probe: LoopProbe) -> None:
    player = viewer.player
    viewer.seek(0)
    spin(0.5)  # the first picture and the frames after it
    player.reset_stats()
    cpu = time.process_time()
    probe.start()
    started = time.monotonic()
    viewer.toggle_play()
    spin(seconds + 0.5, until=lambda: not player.playing)  # a 30 s phase plays to the clip's end
    took = time.monotonic() - started
    delays = delays_text(probe.stop())
    if player.playing:
        viewer.toggle_play()
    s = player.stats()
    busy = (time.process_time() - cpu) / took * 100
    print(f"{name:10s} preview {player.size[0]}x{player.size[1]}, {took:.1f} s, clock {s.clock}: "
          f"shown {s.shown}, dropped {s.dropped}, late mean {s.late_ms_mean:.1f} ms max {s.late_ms_max:.1f} ms, "
          f"sound underruns {s.underruns}; {delays}; process CPU {busy:.0f}% of one core")


def scrub_phase(viewer, seconds: float, probe: LoopProbe) -> None:
    """Seek to a random frame 20 times a second; count the pictures that reach the screen and how
    long before each its frame was asked for; check the last seek's frame ends on screen."""
    from PySide6.QtCore import QTimer

    rng = random.Random(1)
    duration = viewer.duration()
    asked: dict[int, float] = {}
    ages = []

    def arrived(_frame):
        picture = viewer.player.picture()
        if picture is not None and picture.frame in asked:
            ages.append((time.perf_counter() - asked[picture.frame]) * 1000)

    viewer._bridge.picture.connect(arrived)
    timer = QTimer(interval=50)
    seeks = []

    def seek():
        frame = rng.randrange(duration)
        asked[frame] = time.perf_counter()
        seeks.append(frame)
        viewer.seek(frame)

    timer.timeout.connect(seek)
    cpu = time.process_time()
    probe.start()
    timer.start()
    spin(seconds)
    timer.stop()
    delays = delays_text(probe.stop())
    busy = (time.process_time() - cpu) / seconds * 100
    shown = len(ages)
    spin(1.0)
    viewer._bridge.picture.disconnect(arrived)
    last = viewer.player.picture()
    exact = last is not None and last.frame == seeks[-1]
    age = np.array(ages or [0.0])
    print(f"scrub      {len(seeks)} seeks in {seconds:.0f} s: {shown} pictures reached the screen "
          f"({shown / seconds:.1f}/s), each asked for p50 {np.percentile(age, 50):.0f} ms "
          f"p90 {np.percentile(age, 90):.0f} ms before; last seek's frame on screen: {exact}; {delays}; "
          f"process CPU {busy:.0f}% of one core")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of each play phase")
    args = parser.parse_args()
    clip = make_clip()
    from PySide6.QtWidgets import QApplication

    from desktop.ui import theme

    app = QApplication.instance() or QApplication([])
    theme.apply(app)
    print(f"clip: {clip} (1920x1080, {FPS} fps, H.264 + AAC); cores: {os.cpu_count()}; "
          f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    probe = LoopProbe()

    messages = []
    viewer = make_viewer(clip, open_output=None)  # no sound card here: the system clock
    viewer.message.connect(messages.append)
    spin(0.2)
    play_phase("play-960", viewer, args.seconds, probe)
    viewer.set_actual_size(True)
    spin(0.3)
    play_phase("play-1080", viewer, args.seconds, probe)
    viewer.set_actual_size(False)
    spin(0.3)
    scrub_phase(viewer, 10, probe)
    viewer.shutdown()

    cards = []
    viewer = make_viewer(clip, open_output=lambda rate, fill: cards.append(VirtualSoundCard(rate, fill)) or cards[-1])
    spin(0.3)
    play_phase("play-sound", viewer, min(args.seconds, 10), probe)
    viewer.shutdown()
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
