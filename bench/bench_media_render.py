"""Render speed against the plainest pipeline, on the same cut list, start-up included.

Ours: `python main.py render cuts.otio -o ours.mp4` (a subprocess: imports, project loading, probing,
compositing, x264). The floor: a minimal script (a subprocess too) that decodes the same source
frames with PyAV, scales them with swscale straight to yuv420p and encodes with the same x264 preset
and crf. Both run twice, alternating; the best time of each counts. Aim: ours <= 1.3x the floor.

The cut list: five cuts from five real clips (H.264 MP4, VP8 WebM, MS-MPEG4 AVI; 12.5 to 30 fps;
640x360 to 1280x720) into a 1280x720, 24 fps timeline, 15 s, picture only (the floor has no sound);
a third run of ours adds the clips' sound (mix + AAC) for information.

    python bench/bench_media_render.py [--preset veryfast] [--crf 23]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CUTS = [  # (clip, first second, seconds)
    ("cockatoo_handheld.mp4", 2, 3),
    ("big_buck_bunny_0_30.webm", 12, 4),
    ("parking_lot_overhead_cars.mp4", 10, 3),
    ("sintel_snow_2s.mp4", 0, 2),
    ("seattle_handheld_shaky.avi", 5, 3),
]
FPS, WIDTH, HEIGHT = 24, 1280, 720


def floor_render(cuts_json: str, out: str, preset: str, crf: str) -> None:
    """The plainest pipeline: per cut, seek, decode forward, take the last frame at or before each
    output time, scale to yuv420p, encode."""
    import av
    from fractions import Fraction

    cuts = json.loads(Path(cuts_json).read_text())
    with av.open(out, "w") as dst:
        stream = dst.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"preset": preset, "crf": crf}
        pts = 0
        for path, first, frames in cuts:
            with av.open(path) as src:
                video = src.streams.video[0]
                video.thread_type = "AUTO"
                start = Fraction(first, FPS) + video.start_time * video.time_base
                src.seek(int(start / video.time_base), stream=video)
                decoded = src.decode(video)
                shown, upcoming = None, next(decoded)
                for k in range(frames):
                    t = Fraction(first + k, FPS) + video.start_time * video.time_base
                    while upcoming is not None and upcoming.pts * video.time_base <= t:
                        shown, upcoming = upcoming, next(decoded, None)
                    frame = (shown or upcoming).reformat(WIDTH, HEIGHT, "yuv420p")
                    frame.pts, frame.time_base = pts, Fraction(1, FPS)
                    pts += 1
                    dst.mux(stream.encode(frame))
        dst.mux(stream.encode(None))


def make_project(folder: Path, sound: bool) -> tuple[Path, Path]:
    from fractions import Fraction

    from media_inputs import shared

    from desktop.media.probe import media_for
    from desktop.timeline.model import Clip, Project, Track, TrackKind
    from desktop.timeline.otio_io import save

    project = Project(fps=Fraction(FPS), width=WIDTH, height=HEIGHT, name="bench")
    video, audio, cuts, at = [], [], [], 0
    for name, first, seconds in CUTS:
        media = media_for(shared(name), project.fps)
        frames = seconds * FPS
        video.append(Clip(media, at, first * FPS, frames, link=name))
        if sound and media.has_audio:
            audio.append(Clip(media, at, first * FPS, frames, link=name))
        cuts.append((media.path, first * FPS, frames))
        at += frames
    project.tracks = [Track(TrackKind.VIDEO, "V1", video), Track(TrackKind.AUDIO, "A1", audio)]
    path = folder / ("cuts_sound.otio" if sound else "cuts.otio")
    save(project, path)
    cuts_json = folder / "cuts.json"
    cuts_json.write_text(json.dumps(cuts))
    return path, cuts_json


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return time.perf_counter() - started


def frame_count(path: Path) -> int:
    import av

    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--crf", default="23")
    parser.add_argument("--floor", nargs=2, metavar=("CUTS_JSON", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor_render(*args.floor, args.preset, args.crf)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import media_inputs

    root = media_inputs.ROOT
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project, cuts_json = make_project(folder, sound=False)
        project_sound, _ = make_project(folder, sound=True)
        ours = [sys.executable, str(root / "main.py"), "render", str(project), "-o",
                str(folder / "ours.mp4"), "--preset", args.preset, "--crf", args.crf]
        floor = [sys.executable, __file__, "--floor", str(cuts_json), str(folder / "floor.mp4"),
                 "--preset", args.preset, "--crf", args.crf]
        times = {"floor": [], "ours": []}
        for _ in range(2):
            times["floor"].append(timed(floor))
            times["ours"].append(timed(ours))
        with_sound = timed([*ours[:3], str(project_sound), "-o", str(folder / "ours_sound.mp4"),
                            *ours[6:]])
        frames = frame_count(folder / "ours.mp4")
        assert frames == frame_count(folder / "floor.mp4") == sum(s for _, _, s in CUTS) * FPS
        best = {k: min(v) for k, v in times.items()}
        print(f"render bench: {len(CUTS)} cuts, {frames} frames at {WIDTH}x{HEIGHT} {FPS} fps, "
              f"x264 preset {args.preset} crf {args.crf}, start-up included")
        for name in ("floor", "ours"):
            runs = ", ".join(f"{t:.2f}" for t in times[name])
            print(f"  {name:<6} best {best[name]:6.2f} s  ({frames / best[name]:5.1f} fps; runs {runs})")
        print(f"  ratio  ours / floor = {best['ours'] / best['floor']:.2f}  (aim <= 1.30)")
        print(f"  ours with sound (mix + AAC): {with_sound:.2f} s")


if __name__ == "__main__":
    main()
