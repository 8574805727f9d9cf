"""Compositing throughput at 1920x1080, 30000/1001 fps, frames in order as the player asks for them.

One track: a 1080p H.264 clip filling the frame (the player needs >= 30 frames/s here). Three
tracks: that clip on V1, a 4:3 640x480 H.264 MKV on V2 (pillarboxed: V1 shows at its sides) and a
2.4:1 960x400 VP8 WebM on V3 (letterboxed), so every frame decodes, scales and pastes three
sources. A cross-dissolve: a second 1080p clip on V2 fading in over the first for all the frames,
so every frame decodes both and blends them. Also the sound mix of two stereo clips, in seconds of
sound per second.

    python bench/bench_media_composite.py
"""
from __future__ import annotations

import time
from fractions import Fraction

import media_inputs

from desktop.media.compositor import Compositor
from desktop.media.pool import MediaPool
from desktop.media.probe import media_for
from desktop.timeline.model import Clip, Project, Track, TrackKind

FPS = Fraction(30000, 1001)
FRAMES = 150


def filled(media, frames: int) -> list[Clip]:
    """Back-to-back copies of the whole clip covering `frames` timeline frames."""
    clips, at = [], 0
    while at < frames:
        length = min(media.duration, frames - at)
        clips.append(Clip(media, at, 0, length))
        at += length
    return clips


def throughput(project: Project) -> float:
    compositor = Compositor(project, MediaPool())
    compositor.picture(0)  # open the files first: the player does this when a project loads
    started = time.perf_counter()
    for frame in range(FRAMES):
        compositor.picture(frame)
    return FRAMES / (time.perf_counter() - started)


def main() -> None:
    hd = media_for(media_inputs.hd_1080(), FPS)
    four_three = media_for(media_inputs.shared("asl_book_signer.mkv"), FPS)
    scope = media_for(media_inputs.shared("tears_of_steel_2s.webm"), FPS)
    music = media_for(media_inputs.shared("big_buck_bunny_0_30.webm"), FPS)
    one = Project(fps=FPS, width=1920, height=1080,
                  tracks=[Track(TrackKind.VIDEO, "V1", filled(hd, FRAMES))])
    three = Project(fps=FPS, width=1920, height=1080, tracks=[
        Track(TrackKind.VIDEO, "V1", filled(hd, FRAMES)),
        Track(TrackKind.VIDEO, "V2", filled(four_three, FRAMES)),
        Track(TrackKind.VIDEO, "V3", filled(scope, FRAMES)),
    ])
    print(f"compositing {FRAMES} frames at 1920x1080, {FPS} fps, in order:")
    print(f"  1 track  (1080p H.264 filling the frame)     {throughput(one):6.1f} frames/s  (need >= 30)")
    print(f"  3 tracks (1080p + 4:3 pillarbox + 2.4:1 VP8) {throughput(three):6.1f} frames/s")

    sound = Project(fps=FPS, width=1920, height=1080, tracks=[
        Track(TrackKind.AUDIO, "A1", [Clip(music, 0, 0, 600)]),
        Track(TrackKind.AUDIO, "A2", [Clip(music, 0, 300, 600, gain_db=-6)]),
    ])
    compositor = Compositor(sound, MediaPool())
    started = time.perf_counter()
    for frame in range(0, 600, 3):  # the player asks for sound in blocks of a few frames
        compositor.sound(frame, frame + 3)
    speed = (600 / FPS) / (time.perf_counter() - started)
    print(f"  sound: 2 stereo Vorbis clips, 44.1 -> 48 kHz, mixed at {float(speed):6.1f}x real time")

    dissolve = Project(fps=FPS, width=1920, height=1080, tracks=[
        Track(TrackKind.VIDEO, "V1", filled(hd, FRAMES)),
        Track(TrackKind.VIDEO, "V2", [Clip(hd, 0, 30, FRAMES, fade_in=FRAMES)]),
    ])
    print(f"  cross-dissolve (1080p fading in over 1080p)  {throughput(dissolve):6.1f} frames/s")


if __name__ == "__main__":
    main()
