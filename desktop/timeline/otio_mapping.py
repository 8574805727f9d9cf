"""Project <-> OpenTimelineIO Timeline, in memory (files and versions are in `otio_io.py`).

What OTIO has a place for goes there: track kinds and names, clips with an ExternalReference
(absolute path, available range = the media's length on the project's frame grid), source ranges,
gaps. What only Framesmith needs goes under `metadata["framesmith"]`: on the timeline the format
version, frame rate, frame size, sample rate and the bin; on tracks their id and flags; on clips
their id, link and gain; on references the media's own rate, size, picture/sound and provenance.

Timelines written by other tools are read as follows:
- Times in any rate are converted to the project's frames by rounding each item's start and end
  on the timeline to the nearest frame (so items stay adjacent); source starts likewise, counted
  from the start of the reference's available range. A clip shorter than half a frame vanishes.
- The project rate is the metadata's, else the timeline's global start time rate, else the first
  track item's, else 24. Near-NTSC float rates (23.976, 29.97...) become 24000/1001, 30000/1001...
- A media file's length is its available range, stretched if a clip reaches further; it has
  picture if a clip of it is on a video track and sound if one is on an audio track.
- A clip with a MissingReference keeps its place as offline media named after the clip, in the
  project's folder (relink it to bring it back). Clips with other references (generators such as
  bars or solid colours, image sequences), nested stacks and tracks become gaps; transitions
  become cuts; effects and markers are dropped; tracks that are neither video nor audio, and clips
  with neither a source nor an available range, are skipped.
- Disabled tracks become muted (audio) or hidden (video). Duplicate ids get new ones; links left
  with a single clip, or with two clips on one track, are dropped.
"""
from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from desktop.timeline.model import Clip, Marker, Media, Project, Provenance, Track, TrackKind, new_id

KEY = "framesmith"
_NTSC = [Fraction(n * 1000, 1001) for n in (24, 30, 48, 60, 120)]
_KINDS = {otio.schema.TrackKind.Video: TrackKind.VIDEO, otio.schema.TrackKind.Audio: TrackKind.AUDIO}


def plain(value: Any) -> Any:
    """OTIO metadata (AnyDictionary, AnyVector) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        return [plain(v) for v in value]
    return value


def rate_of(rate: float) -> Fraction:
    """An OTIO float rate as an exact Fraction (29.97002997 -> 30000/1001)."""
    if not rate > 0:
        raise ValueError(f"rate {rate}")
    for ntsc in _NTSC:
        if abs(rate - ntsc) < 0.002:
            return ntsc
    return Fraction(rate).limit_denominator(1001)


def seconds(t: otio.opentime.RationalTime) -> Fraction:
    return Fraction(t.value) / rate_of(t.rate)


# --- saving -----------------------------------------------------------------------------------


def media_meta(m: Media, with_place: bool) -> dict:
    """The media fields OTIO has no place for (and its path and length, for bin entries)."""
    meta: dict[str, Any] = {
        "rate": None if m.rate is None else str(m.rate),
        "width": m.width,
        "height": m.height,
        "has_video": m.has_video,
        "has_audio": m.has_audio,
        "provenance": None if m.provenance is None else {
            "prompt": m.provenance.prompt, "seed": m.provenance.seed, "model": m.provenance.model,
            "settings": m.provenance.settings, "created": m.provenance.created, "source": m.provenance.source,
        },
    }
    if with_place:
        meta = {"path": os.path.abspath(m.path), "duration": m.duration, **meta}
    return meta


def to_timeline(project: Project, version: int) -> otio.schema.Timeline:
    rate = float(project.fps)
    RationalTime = otio.opentime.RationalTime

    def span(start: int, duration: int) -> otio.opentime.TimeRange:
        return otio.opentime.TimeRange(RationalTime(start, rate), RationalTime(duration, rate))

    timeline = otio.schema.Timeline(name=project.name, global_start_time=RationalTime(0, rate))
    timeline.metadata[KEY] = {
        "version": version, "fps": str(project.fps), "width": project.width, "height": project.height,
        "sample_rate": project.sample_rate, "bin": [media_meta(m, True) for m in project.bin],
    }
    for track in project.tracks:
        out = otio.schema.Track(
            name=track.name,
            kind=otio.schema.TrackKind.Video if track.kind is TrackKind.VIDEO else otio.schema.TrackKind.Audio,
        )
        out.enabled = not (track.muted or track.hidden)
        out.metadata[KEY] = {"id": track.id, "muted": track.muted, "hidden": track.hidden, "locked": track.locked}
        for item in track.items():
            if isinstance(item, Clip):
                ref = otio.schema.ExternalReference(target_url=os.path.abspath(item.media.path),
                                                    available_range=span(0, item.media.duration))
                ref.metadata[KEY] = media_meta(item.media, False)
                clip = otio.schema.Clip(name=item.name, media_reference=ref,
                                        source_range=span(item.source_start, item.duration))
                clip.metadata[KEY] = {"id": item.id, "link": item.link, "gain_db": item.gain_db,
                                      "fade_in": item.fade_in, "fade_out": item.fade_out}
                clip.enabled = item.enabled
                out.append(clip)
            else:
                out.append(otio.schema.Gap(source_range=span(0, item.duration)))
        timeline.tracks.append(out)
    for marker in project.markers:
        timeline.tracks.markers.append(otio.schema.Marker(name=marker.name, marked_range=span(marker.frame, 0)))
    return timeline


# --- loading ----------------------------------------------------------------------------------


@dataclass
class _Found:
    """A clip as read, before its media value is known (it may depend on other clips)."""

    track: Track
    start: int
    duration: int
    source_start: int
    name: str
    path: str
    available: int | None  # the reference's length in project frames
    media_meta: dict | None  # ours, when Framesmith wrote the file
    rate: Fraction | None  # the reference's own rate
    meta: dict
    enabled: bool


def media_from(meta: dict, path: str, duration: int) -> Media:
    prov = meta.get("provenance")
    provenance = None if prov is None else Provenance(
        prov["prompt"], int(prov["seed"]), prov["model"], dict(prov.get("settings") or {}),
        prov.get("created", ""), prov.get("source"))
    return Media(path, int(duration), None if meta.get("rate") is None else Fraction(meta["rate"]),
                 meta.get("width"), meta.get("height"), bool(meta.get("has_video", True)),
                 bool(meta.get("has_audio", False)), provenance)


def _guess_fps(timeline: otio.schema.Timeline) -> Fraction:
    if timeline.global_start_time is not None:
        return rate_of(timeline.global_start_time.rate)
    for track in timeline.tracks:
        for item in track if isinstance(track, otio.schema.Track) else ():
            if getattr(item, "source_range", None) is not None:
                return rate_of(item.source_range.duration.rate)
    return Fraction(24)


def _path_of(url: str, folder: str) -> str:
    path = otio.url_utils.filepath_from_url(url) if url.startswith("file:") else url
    return path if os.path.isabs(path) else os.path.normpath(os.path.join(folder, path))


def from_timeline(timeline: otio.schema.Timeline, folder: str, name: str) -> Project:
    """Build a project from a timeline whose metadata is already upgraded to the current version.

    `folder` resolves relative media paths; `name` is used when the timeline has none.
    """
    meta = plain(timeline.metadata.get(KEY, {}))
    fps = Fraction(meta["fps"]) if "fps" in meta else _guess_fps(timeline)
    project = Project(fps=fps, name=timeline.name or name)
    for field in ("width", "height", "sample_rate"):
        if field in meta:
            setattr(project, field, int(meta[field]))
    found: list[_Found] = []
    for child in timeline.tracks:
        if not isinstance(child, otio.schema.Track) or child.kind not in _KINDS:
            continue
        tmeta = plain(child.metadata.get(KEY, {}))
        kind = _KINDS[child.kind]
        off = not child.enabled
        track = Track(kind, child.name or f"{'V' if kind is TrackKind.VIDEO else 'A'}{len(project.tracks) + 1}",
                      muted=bool(tmeta.get("muted", off and kind is TrackKind.AUDIO)),
                      hidden=bool(tmeta.get("hidden", off and kind is TrackKind.VIDEO)),
                      locked=bool(tmeta.get("locked", False)), id=str(tmeta.get("id") or new_id()))
        if any(t.id == track.id for t in project.tracks):
            track.id = new_id()
        project.tracks.append(track)
        found += _read_track(child, track, fps, folder)
    _place(project, found)
    project.markers = _markers(timeline.tracks.markers, fps)
    for m in meta.get("bin", []):
        if not any(b.path == _path_of(m["path"], folder) for b in project.bin):
            project.bin.append(media_from(m, _path_of(m["path"], folder), m["duration"]))
    return project


def _markers(markers, fps: Fraction) -> list[Marker]:
    """The timeline's own markers, each on its nearest frame (the first of any that share one)."""
    out: dict[int, Marker] = {}
    for m in markers:
        frame = round(seconds(m.marked_range.start_time) * fps)
        if frame >= 0:
            out.setdefault(frame, Marker(frame, m.name or ""))
    return [out[f] for f in sorted(out)]


def _read_track(child: otio.schema.Track, track: Track, fps: Fraction, folder: str) -> list[_Found]:
    out = []
    at = Fraction(0)
    for index, item in enumerate(child):
        if isinstance(item, otio.schema.Transition):
            continue
        try:
            length = seconds(item.duration())
        except otio.exceptions.CannotComputeAvailableRangeError:  # a clip with no range at all
            continue
        start, end = round(at * fps), round((at + length) * fps)
        at += length
        if not isinstance(item, otio.schema.Clip) or end <= start:
            continue
        ref = item.media_reference
        if isinstance(ref, otio.schema.ExternalReference):
            path = _path_of(ref.target_url, folder)
        elif isinstance(ref, otio.schema.MissingReference):
            path = _path_of(item.name or f"{child.name} clip {index + 1}", folder)
        else:
            continue
        available = ref.available_range
        origin = seconds(available.start_time) if available is not None else Fraction(0)
        source = item.source_range.start_time if item.source_range is not None else None
        source_start = round((seconds(source) - origin) * fps) if source is not None else 0
        out.append(_Found(
            track, start, end - start, source_start, item.name, path,
            None if available is None else round(seconds(available.duration) * fps),
            plain(ref.metadata[KEY]) if KEY in ref.metadata else None,
            None if available is None else rate_of(available.duration.rate),
            plain(item.metadata.get(KEY, {})),
            item.enabled,
        ))
    return out


def _fade(value: Any) -> int:
    """A stored fade length in frames; anything else (absent, negative, not a whole number) is none."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _place(project: Project, found: list[_Found]) -> None:
    """Make the media values, then the clips, fixing ids and links other tools may have copied."""
    inferred: dict[str, dict[str, Any]] = defaultdict(lambda: {"duration": 0, "shift": 0, "video": False,
                                                               "audio": False, "rate": None})
    for f in found:
        if f.media_meta is None:
            info = inferred[f.path]
            info["shift"] = max(info["shift"], -f.source_start)
            info["duration"] = max(info["duration"], f.available or 0)
            info["video" if f.track.kind is TrackKind.VIDEO else "audio"] = True
            if f.track.kind is TrackKind.VIDEO and f.rate is not None:
                info["rate"] = info["rate"] or f.rate
    for f in found:
        if f.media_meta is None:
            info = inferred[f.path]
            f.source_start += info["shift"]
            info["duration"] = max(info["duration"], f.source_start + f.duration)
    medias = {path: Media(path, info["duration"], info["rate"], has_video=info["video"], has_audio=info["audio"])
              for path, info in inferred.items()}
    ids: set[str] = set()
    for f in found:
        media = medias[f.path] if f.media_meta is None else media_from(f.media_meta, f.path, f.available or 0)
        if f.media_meta is not None and f.source_start + f.duration > media.duration:
            media = replace(media, duration=f.source_start + f.duration)
        clip_id = str(f.meta.get("id") or new_id())
        clip_id = new_id() if clip_id in ids else clip_id
        ids.add(clip_id)
        f.track.clips.append(Clip(media, f.start, max(f.source_start, 0), f.duration, f.name,
                                  f.meta.get("link"), float(f.meta.get("gain_db", 0.0)), clip_id,
                                  _fade(f.meta.get("fade_in")), _fade(f.meta.get("fade_out")), f.enabled))
    members: dict[str, list[tuple[Track, int]]] = defaultdict(list)
    for track in project.tracks:
        for i, c in enumerate(track.clips):
            if c.link is not None:
                members[c.link].append((track, i))
    for group in members.values():
        first_on_track = {id(t): i for t, i in reversed(group)}
        for t, i in group:
            if len(first_on_track) < 2 or first_on_track[id(t)] != i:
                t.clips[i] = replace(t.clips[i], link=None)
