"""Export Frame: the still is the compositor's picture at that frame, in the format its name asks
for, and never lands on an input."""
from fractions import Fraction

import cv2
import numpy as np
import pytest

from desktop.media.compositor import Compositor
from desktop.media.errors import MediaError
from desktop.media.probe import media_for
from desktop.media.still import export_frame
from desktop.timeline.model import Clip, Project, Track, TrackKind
from mediafactory import Video, frame_index, write_media

FPS = Fraction(25)


@pytest.fixture
def project(tmp_path):
    counted = media_for(write_media(tmp_path / "counted.mp4", video=Video(frames=30, fps=FPS)), FPS)
    return Project(fps=FPS, width=64, height=48,
                   tracks=[Track(TrackKind.VIDEO, "V1", [Clip(counted, 0, 5, 20, fade_in=4)])])


def test_the_still_is_the_picture_at_that_frame(project, tmp_path):
    out = export_frame(project, 12, tmp_path / "still.png")
    still = cv2.imread(out)[..., ::-1]
    assert np.array_equal(still, Compositor(project).picture(12))  # PNG is lossless
    assert frame_index(still) == 12 + 5
    faded = cv2.imread(export_frame(project, 2, tmp_path / "faded.jpg"))[..., ::-1].astype(int)
    assert np.abs(faded - Compositor(project).picture(2)).mean() < 4  # JPEG, halfway up the fade
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counted.mp4", "faded.jpg", "still.png"]


@pytest.mark.parametrize("frame,name,message", [
    (20, "still.png", r"outside the timeline \(frames 0-19\)"),
    (-1, "still.png", "outside the timeline"),
    (3, "still.gif", "ending in .png or .jpg"),
    (3, "counted.png", None),  # fine: only the media files themselves are off limits
])
def test_bad_requests_are_refused_with_one_line(project, tmp_path, frame, name, message):
    if message is None:
        assert export_frame(project, frame, tmp_path / name)
        return
    with pytest.raises(MediaError, match=message):
        export_frame(project, frame, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_a_still_never_overwrites_an_input(project, tmp_path):
    source = project.tracks[0].clips[0].media.path
    before = open(source, "rb").read()
    with pytest.raises(MediaError, match="one of the project's media files"):
        export_frame(project, 3, source)
    assert open(source, "rb").read() == before
