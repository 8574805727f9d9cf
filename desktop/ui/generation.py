"""Generation in the editor: requests go to the worker queue; results land in the bin and on the
timeline, each placement one undo step.

The `JobQueue` (desktop/jobs) runs on its own thread and reports every change of a job; this
controller relays those reports to the UI thread with a queued signal, mirrors them into the Jobs
panel's job rows (whose cancel buttons cancel the queued job), and when a job is done places its
media: a generated clip at the playhead on the chosen track (or a new one), an extension right
after the clip it continues, rippling later clips or overwriting them. Code that would rather
wait than listen awaits `outcome(job)`, a future on the editor's qasync loop.
"""
from __future__ import annotations

import asyncio
import dataclasses
import gc
import random
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal

from desktop.jobs.queue import Job, JobQueue, State
from desktop.jobs.tasks import ExtendRequest, GenerateRequest, extend_work, generate_work, media_folder
from desktop.timeline import edits, organize
from desktop.timeline.changes import EditError
from desktop.timeline.model import Media, TrackKind
from desktop.ui.jobs_panel import JobList
from desktop.ui.playhead import Playhead
from desktop.ui.session import Session

NEW_TRACK = "new"


class JobFailed(Exception):
    """What `outcome(job)` raises for a job that failed; the message says why."""


@dataclass(frozen=True)
class Placement:
    """Where a finished job's media go: `track` is a track id, NEW_TRACK or None (bin only)."""

    track: str | None = None
    frame: int = 0
    overwrite: bool = False
    after_clip: str | None = None  # an extension: right after this clip, on its track


class GenerationController(QObject):
    job_changed = Signal(object)  # a desktop.jobs.queue.Job, on the UI thread
    placed = Signal(object)  # list[Media] that reached the timeline or the bin
    message = Signal(str)
    _relay = Signal(object)

    def __init__(self, session: Session, playhead: Playhead, jobs: JobList, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.playhead = playhead
        self.jobs = jobs
        self.queue = JobQueue(self._relay.emit)
        self._rows = {}
        self._placements: dict[int, Placement] = {}
        self._futures: dict[int, list[asyncio.Future]] = {}
        self._relay.connect(self._on_event, Qt.ConnectionType.QueuedConnection)

    # --- requests -----------------------------------------------------------------------------------

    def generate(self, request: GenerateRequest, placement: Placement | None = None) -> Job:
        folder = media_folder(self.session.path)
        job = Job(request.title, generate_work(request, folder, self.session.project.fps), "generate", request)
        return self._submit(job, placement or Placement())

    def extend_clip(self, clip_id: str, seconds: float, model: str = "flow", overwrite: bool = False,
                    seed: int | None = None) -> Job | None:
        """Continue a timeline clip from its out point by `seconds`; the result goes right after it."""
        project = self.session.project
        try:
            clip = project.clip(clip_id)
        except KeyError:
            self.message.emit("That clip is no longer on the timeline")
            return None
        if not clip.media.has_video:
            self.message.emit(f"'{clip.name or clip.media.name}' has no picture to extend")
            return None
        request = ExtendRequest(clip.media.path, clip.source_end, project.fps, seconds,
                                random.randrange(2**31) if seed is None else seed, model,
                                prompt=clip.media.provenance.prompt if clip.media.provenance else "",
                                clip_id=clip_id)
        job = Job(request.title, extend_work(request, media_folder(self.session.path)), "extend", request)
        track = project.track_of(clip_id)
        return self._submit(job, Placement(track.id, clip.end, overwrite, after_clip=clip_id))

    def regenerate(self, media: Media, new_take: bool = False) -> Job | None:
        """Run a generated clip's request again: the same seed reproduces it, a new take changes it."""
        p = media.provenance
        if p is None or p.source is not None:
            self.message.emit(f"'{media.name}' was not generated from a prompt")
            return None
        s = p.settings
        request = GenerateRequest(p.prompt, float(s.get("seconds", 2.0)), p.seed, 1, p.model, s.get("size"))
        if new_take:
            request = dataclasses.replace(request, seed=random.randrange(2**31))
        return self.generate(request)

    def _submit(self, job: Job, placement: Placement) -> Job:
        row = self.jobs.add(job.title)
        row.cancel_requested.connect(lambda job_id=job.id: self.queue.cancel(job_id))
        self._rows[job.id] = row
        self._placements[job.id] = placement
        return self.queue.submit(job)

    def warm_up(self) -> Job:
        """Load the built-in model on the worker before the first request, so the first job
        neither waits for it nor stalls the window with torch's import while the user works."""
        def work(should_cancel):
            from generation.backends import backend_info, load_backend

            if backend_info("builtin").available:
                load_backend("builtin").text  # the prompt encoder loads lazily: load it too
            return None
            yield

        return self.queue.submit(Job("Load the built-in model", work, kind="warmup"))

    def outcome(self, job: Job) -> asyncio.Future:
        """A future on the running asyncio loop that resolves with `job` once it has ended and its
        media are placed; a failed job raises JobFailed, a cancelled one cancels the future."""
        future = asyncio.get_running_loop().create_future()
        if job.active:
            self._futures.setdefault(job.id, []).append(future)
        else:
            _settle(future, job)
        return future

    def shutdown(self) -> None:
        self.queue.close(timeout=2.0)

    # --- reports (UI thread) ---------------------------------------------------------------------------

    def _on_event(self, job: Job) -> None:
        if job.kind == "warmup":
            if not job.active:
                # What is loaded by now (Qt, torch, the model, the prompt encoder) lives as long as
                # the editor. Frozen, the collector stops re-scanning it in every full collection;
                # with the worker allocating tensors step after step, those scans paused the window
                # for 250-300 ms (bench/bench_editor_generation.py).
                gc.freeze()
            return
        row = self._rows.get(job.id)
        if row is not None:
            if job.state is State.RUNNING:
                row.begin()
                if job.total:
                    row.report(job.done, job.total)
            elif job.state is State.FAILED:
                row.fail(job.message)
            elif job.state is State.CANCELLED:
                row.mark_cancelled(job.message or "Cancelled")
        if job.state is State.DONE and job.id in self._placements:
            placed = self._place(job, self._placements.pop(job.id))
            if row is not None:
                row.finish(placed, job.result)
        if not job.active:
            self._placements.pop(job.id, None)
            self._rows.pop(job.id, None)
            for future in self._futures.pop(job.id, []):
                _settle(future, job)
        self.job_changed.emit(job)

    def _place(self, job: Job, where: Placement) -> str:
        medias = job.result if isinstance(job.result, list) else [job.result]
        first, rest = medias[0], medias[1:]
        if where.after_clip is not None:
            ok = self.session.edit(self._place_extension, first, where)
        elif where.track is not None:
            ok = self.session.edit(self._place_generated, first, rest, where)
        else:
            ok = self.session.edit(self._to_bin, medias)
        self.placed.emit(medias)
        if ok is None and where.track is not None:
            self.session.edit(self._to_bin, medias)
            return f"{first.name} is in the media bin (it could not be placed)"
        return f"{first.name}" + (f" and {len(rest)} more take(s)" if rest else "")

    @staticmethod
    def _to_bin(history, medias: list[Media]) -> bool:
        with history.transaction("Add generated media"):
            for media in medias:
                if not any(m.path == media.path for m in history.project.bin):
                    organize.add_media(history, media)
        return True

    @staticmethod
    def _place_generated(history, media: Media, takes: list[Media], where: Placement) -> bool:
        with history.transaction("Generate"):
            track = where.track
            if track == NEW_TRACK:
                track = organize.add_track(history, TrackKind.VIDEO).id
            for other in takes:
                organize.add_media(history, other)
            organize.import_media(history, media, where.frame, "overwrite" if where.overwrite else "insert",
                                  video_track_id=track)
        return True

    @staticmethod
    def _place_extension(history, media: Media, where: Placement) -> bool:
        project = history.project
        try:
            track = project.track_of(where.after_clip)
        except KeyError:
            raise EditError("the extended clip is no longer on the timeline; the extension is in the bin")
        clip = track.clip(where.after_clip)
        with history.transaction("Extend"):
            organize.add_media(history, media)
            placed = organize.place_media(project, media, clip.end, video_track_id=track.id)
            (edits.overwrite if where.overwrite else edits.insert)(history, placed)
        return True


def _settle(future: asyncio.Future, job: Job) -> None:
    if future.done():  # the awaiting side gave up
        return
    if job.state is State.DONE:
        future.set_result(job)
    elif job.state is State.FAILED:
        future.set_exception(JobFailed(job.message))
    else:
        future.cancel()
