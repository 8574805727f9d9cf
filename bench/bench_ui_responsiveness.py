"""How late the UI event loop runs while thumbnails are built for a 30 s 1080p clip and while an
export runs in the background (aim: p99 < 16 ms, max < 50 ms).

A 5 ms timer probes the loop: each tick's lateness is how much later than 5 ms after the previous
tick it ran. Meanwhile the timeline repaints every 33 ms (the playhead moves, as in playback), so
the figures include real paints with thumbnails and waveforms. The 1080p clip is Big Buck Bunny
(../shared/media) scaled up once and kept in the bench folder; without it, a synthetic clip.

    .venv/bin/python bench/bench_ui_responsiveness.py [--workdir /tmp/framesmith-bench]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from loop_probe import LoopProbe, report, run_until  # noqa: E402

SOURCE = ROOT.parent / "shared" / "media" / "big_buck_bunny_0_30.webm"


def make_clip(path: Path) -> Path:
    """A 30 s 1920x1080 H.264 file with sound (keyframe every 2 s, as cameras write)."""
    if path.exists():
        return path
    import av

    if not SOURCE.exists():
        from mediafactory import Audio, Video, write_media

        return write_media(path, video=Video(frames=720, fps=Fraction(24), size=(1920, 1080), gop=48),
                           audio=Audio(seconds=30))
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(SOURCE)) as src, av.open(str(tmp), "w") as out:
        vin, ain = src.streams.video[0], src.streams.audio[0]
        video = out.add_stream("libx264", rate=vin.average_rate)
        video.width, video.height, video.pix_fmt = 1920, 1080, "yuv420p"
        video.options = {"preset": "veryfast", "crf": "20", "g": "48"}
        audio = out.add_stream("aac", rate=48000, layout="stereo")
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
        pictures = samples = 0
        for frame in src.decode(vin, ain):
            if isinstance(frame, av.VideoFrame):
                frame = frame.reformat(1920, 1080, "yuv420p")
                frame.pts, frame.time_base = pictures, 1 / Fraction(vin.average_rate)
                pictures += 1
                out.mux(video.encode(frame))
            else:
                for part in resampler.resample(frame):
                    part.pts, part.time_base = samples, Fraction(1, 48000)
                    samples += part.samples
                    out.mux(audio.encode(part))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))
    tmp.rename(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default="/tmp/framesmith-bench")
    args = parser.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"(1/5/15 min; a model may be training) on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    clip_path = make_clip(work / "bbb_1080p_30s.mp4")
    print(f"clip: {clip_path} (made or found in {time.perf_counter() - t0:.1f} s)")

    app = QApplication.instance() or QApplication([])
    from desktop.media.probe import media_for
    from desktop.timeline import organize
    from desktop.timeline.model import Project, Track, TrackKind
    from desktop.ui.export_dialog import ExportDialog
    from desktop.ui.jobs_panel import JobList, JobState
    from desktop.ui.playhead import Playhead
    from desktop.ui.previews import Previews
    from desktop.ui.selection import Selection
    from desktop.ui.session import Session
    from desktop.ui.timeline.widget import TimelineWidget

    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    media = media_for(clip_path, Fraction(24))
    session = Session(Project(fps=Fraction(24), width=1920, height=1080,
                              tracks=[Track(TrackKind.VIDEO, "V1"), Track(TrackKind.AUDIO, "A1")]))
    session.edit(organize.import_media, media)
    previews = Previews(session, cache=cache)
    playhead = Playhead()
    timeline = TimelineWidget(session, Selection(), playhead, previews)
    timeline.resize(1600, 400)
    timeline.show()
    playing = QTimer(interval=33)
    playing.timeout.connect(lambda: playhead.seek((playhead.frame + 1) % media.duration))
    playing.start()
    probe = LoopProbe()

    probe.start()
    run_until(lambda: False, 2.0)
    report("idle (timeline repainting)", probe.stop(), 2.0)

    def strips_cached() -> int:
        return len(list(cache.glob("thumbnails/*.npy")))

    for label, ppf in (("thumbnails, zoom to fit", None), ("thumbnails, zoomed in", 4.0)):
        if ppf is None:
            timeline.zoom_to_fit()
        else:
            timeline.layout_.px_per_frame = ppf
            timeline.update()
        wanted = strips_cached() + 1
        probe.start()
        seconds = run_until(lambda: strips_cached() >= wanted and not previews.busy, 300)
        report(label, probe.stop(), seconds, f"px/frame {timeline.layout_.px_per_frame:.2f}")

    jobs = JobList()
    dialog = ExportDialog(session, jobs, marks=(0, 240))
    dialog.set_preset("1080p H.264 high quality")
    dialog.use_marks(True)
    dialog.set_output(str(work / "export.mp4"))
    probe.start()
    job = dialog.start()
    seconds = run_until(lambda: job.is_ended, 600)
    figures = probe.stop()
    state = job.state.value if job.state is JobState.DONE else f"{job.state.value}: {job.message}"
    report("export 240 frames 1080p (crf 18)", figures, seconds, f"{240 / seconds:.1f} frames/s, {state}")
    playing.stop()
    print(f"load after: {os.getloadavg()[0]:.2f}")
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
