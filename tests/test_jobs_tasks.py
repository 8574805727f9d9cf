"""Generation job work: the result is a real media file with its provenance, in the media folder."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from desktop.jobs.queue import Job, JobQueue, State
from desktop.jobs.tasks import ExtendRequest, context_frames, extend_work, media_folder
from desktop.media.decoder import VideoDecoder
from mediafactory import Video, frame_colour, frame_index, write_media

FPS = Fraction(24)


def test_media_folder_is_beside_the_project(tmp_path):
    assert media_folder(str(tmp_path / "cut.otio")) == tmp_path / "cut.media"
    assert media_folder(None).name == "generated"


def test_context_is_the_frames_before_the_out_point(tmp_path):
    path = str(write_media(tmp_path / "a.mp4", video=Video(frames=30, fps=FPS)))
    frames = context_frames(path, 20, 4, FPS)
    assert [frame_index(f) for f in frames] == [16, 17, 18, 19]


def test_flow_extension_job_writes_a_continuation_with_provenance(tmp_path):
    path = str(write_media(tmp_path / "a.mp4", video=Video(frames=30, fps=FPS)))
    request = ExtendRequest(path, source_end=20, fps=FPS, seconds=0.5, model="flow", context_frames=4)
    queue = JobQueue()
    job = queue.submit(Job(request.title, extend_work(request, tmp_path / "gen"), kind="extend", request=request))
    assert queue.wait_idle(30)
    queue.close()
    assert job.state is State.DONE, job.message
    media = job.result
    assert media.path.startswith(str(tmp_path / "gen"))
    assert media.duration == 12 and media.provenance.model == "flow" and media.provenance.source == path
    with VideoDecoder(media.path) as dec:
        assert len(dec) == 12
        # flat frames carry no motion: the continuation holds the last context frame's colour
        assert np.abs(dec.frame(0).astype(int) - np.array(frame_colour(19))).max() < 12


def test_extending_offline_media_fails_with_a_message_and_writes_nothing(tmp_path):
    request = ExtendRequest(str(tmp_path / "gone.mp4"), source_end=10, fps=FPS, model="flow")
    queue = JobQueue()
    job = queue.submit(Job(request.title, extend_work(request, tmp_path / "gen")))
    assert queue.wait_idle(10)
    queue.close()
    assert job.state is State.FAILED and "offline" in job.message
    assert not (tmp_path / "gen").exists()
