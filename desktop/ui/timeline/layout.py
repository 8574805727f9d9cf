"""Where things are on the timeline widget: frames <-> x, tracks <-> rows, snapping.

Pure arithmetic on the project and the view's zoom and scroll, so hit tests and drags are
computed the same way they are painted. Video tracks are shown top-down from the highest (the
one composited on top) to V1, then audio tracks A1, A2, ... below them.
"""
from __future__ import annotations

from dataclasses import dataclass

from desktop.timeline.model import Project, Track, TrackKind

RULER_HEIGHT = 28
HEADER_WIDTH = 150
VIDEO_ROW_HEIGHT = 62
AUDIO_ROW_HEIGHT = 46
ROW_GAP = 2
EDGE_GRAB_PX = 6
SNAP_PX = 8
MIN_PX_PER_FRAME = 0.02
MAX_PX_PER_FRAME = 40.0


@dataclass(frozen=True)
class Row:
    track: Track
    top: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height


def display_order(project: Project) -> list[Track]:
    """Video tracks from the top one down, then audio tracks in order."""
    videos = [t for t in project.tracks if t.kind is TrackKind.VIDEO]
    audios = [t for t in project.tracks if t.kind is TrackKind.AUDIO]
    return list(reversed(videos)) + audios


class TimelineLayout:
    """Zoom (pixels per frame), horizontal scroll (first visible frame) and vertical scroll."""

    def __init__(self, px_per_frame: float = 4.0) -> None:
        self.px_per_frame = px_per_frame
        self.first_frame = 0.0
        self.scroll_y = 0
        self.rows: list[Row] = []

    def update_rows(self, project: Project) -> None:
        y = RULER_HEIGHT
        rows = []
        for track in display_order(project):
            h = VIDEO_ROW_HEIGHT if track.kind is TrackKind.VIDEO else AUDIO_ROW_HEIGHT
            rows.append(Row(track, y, h))
            y += h + ROW_GAP
        self.rows = rows

    @property
    def content_height(self) -> int:
        return (self.rows[-1].bottom if self.rows else RULER_HEIGHT) + ROW_GAP

    # --- time <-> x --------------------------------------------------------------------------

    def x_of(self, frame: float) -> float:
        return HEADER_WIDTH + (frame - self.first_frame) * self.px_per_frame

    def frame_at(self, x: float) -> int:
        """The frame whose cell contains x (never negative)."""
        return max(0, int((x - HEADER_WIDTH) / self.px_per_frame + self.first_frame))

    def nearest_cut(self, x: float) -> int:
        """The frame boundary nearest to x (for trims and the playhead)."""
        return max(0, round((x - HEADER_WIDTH) / self.px_per_frame + self.first_frame))

    def set_zoom(self, px_per_frame: float, anchor_x: float) -> None:
        """Zoom keeping the frame under `anchor_x` where it is."""
        at = (anchor_x - HEADER_WIDTH) / self.px_per_frame + self.first_frame
        self.px_per_frame = min(MAX_PX_PER_FRAME, max(MIN_PX_PER_FRAME, px_per_frame))
        self.first_frame = max(0.0, at - (anchor_x - HEADER_WIDTH) / self.px_per_frame)

    def fit(self, frames: int, width: int) -> None:
        """Zoom so `frames` fill the visible width."""
        usable = max(50, width - HEADER_WIDTH - 20)
        self.px_per_frame = min(MAX_PX_PER_FRAME, max(MIN_PX_PER_FRAME, usable / max(frames, 1)))
        self.first_frame = 0.0

    # --- rows ---------------------------------------------------------------------------------

    def row_at(self, y: float) -> Row | None:
        y += self.scroll_y
        return next((r for r in self.rows if r.top <= y < r.bottom), None)

    def row_of(self, track_id: str) -> Row | None:
        return next((r for r in self.rows if r.track.id == track_id), None)

    def row_top(self, row: Row) -> int:
        return row.top - self.scroll_y

    # --- snapping -----------------------------------------------------------------------------

    def snap(self, frame: int, targets: list[int]) -> tuple[int, int | None]:
        """`frame` moved to the nearest target within SNAP_PX pixels; also returns the target."""
        best, best_px = frame, SNAP_PX + 1.0
        for t in targets:
            px = abs(t - frame) * self.px_per_frame
            if px < best_px:
                best, best_px = t, px
        return (best, best) if best_px <= SNAP_PX else (frame, None)


def ruler_step(px_per_frame: float, fps: float) -> tuple[int, int]:
    """(major, minor) tick spacing in frames so labels sit at least ~90 px apart."""
    nominal = max(1, round(fps))
    candidates = [1, 2, 5, 10]
    candidates += [nominal * s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)]
    for major in candidates:
        if major * px_per_frame >= 90:
            minor = next((m for m in (major // 10, major // 5, major // 4, major // 2) if m and m * px_per_frame >= 8), major)
            return major, minor
    return candidates[-1], candidates[-1]


def timecode(frame: int, fps) -> str:
    """HH:MM:SS:FF with the nominal frame count per second (non-drop display)."""
    nominal = max(1, round(float(fps)))
    ff = frame % nominal
    s = frame // nominal
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{ff:02d}"
