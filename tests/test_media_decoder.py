"""Frame-exact decoding: the frame asked for comes back, in every container, in any order."""
import random
import threading
from fractions import Fraction
from math import floor

import numpy as np
import pytest

from desktop.media.decoder import VideoDecoder, source_colorspace
from desktop.media.framecache import FrameCache
from desktop.media.pool import MediaPool
from mediafactory import CODES, Video, frame_index, write_media, write_video

RATES = [Fraction(24), Fraction(25), Fraction(30000, 1001)]
FORMATS = [(".mp4", None), (".webm", "libvpx-vp9"), (".webm", "libvpx"), (".mkv", None), (".avi", None)]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """One 80-frame file per (container, codec, rate), keyframes every 12 frames."""
    folder = tmp_path_factory.mktemp("decoder")
    out = {}
    for ext, codec in FORMATS:
        for rate in RATES:
            name = f"{codec or 'default'}_{rate.numerator}_{rate.denominator}{ext}"
            out[ext, codec, rate] = write_video(folder / name, frames=80, fps=rate, codec=codec)
    return out


@pytest.mark.parametrize("rate", RATES, ids=str)
@pytest.mark.parametrize("ext,codec", FORMATS, ids=lambda v: str(v))
def test_random_frames_are_exact(files, ext, codec, rate):
    decoder = VideoDecoder(files[ext, codec, rate])
    assert len(decoder) == 80
    rng = random.Random(f"{ext}{codec}{rate}")
    for n in [rng.randrange(80) for _ in range(25)]:
        assert frame_index(decoder.frame(n)) == n


@pytest.mark.parametrize("ext,codec", FORMATS, ids=lambda v: str(v))
def test_backward_seeks_across_keyframes(files, ext, codec):
    decoder = VideoDecoder(files[ext, codec, Fraction(25)])
    for n in [79, 60, 59, 47, 12, 11, 0, 36, 35, 24, 23]:  # keyframes at 0, 12, 24, ...
        assert frame_index(decoder.frame(n)) == n


@pytest.mark.parametrize("ext,codec", FORMATS, ids=lambda v: str(v))
def test_sequential_reads_do_not_seek(files, ext, codec):
    decoder = VideoDecoder(files[ext, codec, Fraction(24)])
    decoder.frame(30)
    seeks = decoder.seeks
    for n in range(30, 80):
        assert frame_index(decoder.frame(n)) == n
    assert decoder.seeks == seeks


@pytest.mark.parametrize("source,project", [(Fraction(25), Fraction(30000, 1001)),
                                            (Fraction(30000, 1001), Fraction(24)),
                                            (Fraction(24), Fraction(25))], ids=str)
def test_rate_conversion_shows_last_frame_at_or_before_time(files, source, project):
    decoder = VideoDecoder(files[".mp4", None, source])
    frames = floor(80 / source * project)
    for k in list(range(frames))[::-1]:  # backwards, so every frame is a fresh seek or reuse
        expected = floor(Fraction(k) / project * source)  # last source frame with time <= k / fps
        assert frame_index(decoder.frame_at(k, project)) == expected, k


def test_same_rate_maps_frame_to_frame(files):
    rate = Fraction(30000, 1001)
    decoder = VideoDecoder(files[".mkv", None, rate])  # Matroska rounds timestamps to 1 ms
    assert decoder.index.constant and decoder.index.rate == rate
    assert [frame_index(decoder.frame_at(k, rate)) for k in range(80)] == list(range(80))


def test_frames_past_the_end_clamp_to_the_last(files):
    decoder = VideoDecoder(files[".mp4", None, Fraction(24)])
    assert frame_index(decoder.frame(500)) == 79
    assert frame_index(decoder.frame(-3)) == 0


def test_sizes_and_read_only_pictures(files):
    decoder = VideoDecoder(files[".mp4", None, Fraction(24)])
    assert decoder.size == (64, 48)
    full = decoder.frame(5)
    small = decoder.frame(5, (16, 12))
    big = decoder.frame(5, (128, 96))
    assert full.shape == (48, 64, 3) and small.shape == (12, 16, 3) and big.shape == (96, 128, 3)
    assert {frame_index(p) for p in (full, small, big)} == {5}
    assert not full.flags.writeable


def test_rotation_metadata_turns_the_picture_upright(tmp_path):
    path = tmp_path / "portrait.mp4"
    write_media(path, video=Video(frames=4, size=(64, 48), rotation=90))
    decoder = VideoDecoder(path)
    assert decoder.rotation == 90
    assert decoder.size == (48, 64)
    assert decoder.frame(2).shape == (64, 48, 3)
    assert frame_index(decoder.frame(2)) == 2


def test_frame_cache_is_bounded_by_bytes_and_least_recently_used(files):
    frame_bytes = 48 * 64 * 3
    cache = FrameCache(max_bytes=10 * frame_bytes)
    decoder = VideoDecoder(files[".mp4", None, Fraction(24)], cache=cache)
    for n in range(20):
        decoder.frame(n)
    assert len(cache) == 10 and cache.bytes == 10 * frame_bytes
    assert cache.get((decoder.id, 19, (64, 48))) is not None
    assert cache.get((decoder.id, 5, (64, 48))) is None
    seeks = decoder.seeks
    assert frame_index(decoder.frame(12)) == 12  # a hit: no decoding, so no seek back
    assert decoder.seeks == seeks


def test_pool_keeps_one_decoder_per_file_and_reopens_a_replaced_file(tmp_path):
    path = tmp_path / "clip.mp4"
    write_video(path, frames=10)
    with MediaPool() as pool:
        first = pool.video(path)
        assert pool.video(path) is first
        assert frame_index(pool.frame_at(path, 3, Fraction(24))) == 3
        write_video(path, frames=10, colour=(255, 0, 0))  # same path, new content
        assert pool.video(path) is not first
        assert pool.frame_at(path, 3, Fraction(24))[24, 32].tolist() == pytest.approx([255, 0, 0], abs=12)


def test_pool_reads_two_places_of_one_file_without_seeking_back_and_forth(files):
    path = files[".mp4", None, Fraction(24)]
    with MediaPool() as pool:
        for k in range(20):  # like one file on two tracks, 40 frames apart, playing together
            assert frame_index(pool.frame(path, 10 + k)) == 10 + k
            assert frame_index(pool.frame(path, 50 + k)) == 50 + k
        decoders = pool.readers()
        assert len(decoders) == 2
        assert sum(d.seeks for d in decoders) <= 3  # each positioned once (plus opening at 0)


def test_pool_closes_least_recently_used_files_and_reopens_them(files):
    paths = [files[".mp4", None, r] for r in RATES]
    with MediaPool(max_open=2) as pool:
        decoders = [pool.video(p) for p in paths]
        assert decoders[0]._container is None  # closed when the third opened
        assert frame_index(decoders[0].frame(40)) == 40  # and reopens on demand


def test_two_threads_share_a_decoder(files):
    decoder = VideoDecoder(files[".mp4", None, Fraction(25)])
    errors = []

    def read(order):
        for n in order:
            got = frame_index(decoder.frame(n))
            if got != n:
                errors.append((n, got))

    threads = [threading.Thread(target=read, args=(list(range(80)),)),
               threading.Thread(target=read, args=(list(range(79, -1, -3)),))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


SHARED = ["asl_book_signer.mkv", "big_buck_bunny_0_30.webm", "cockatoo_handheld.mp4",
          "parking_lot_overhead_cars.mp4", "seattle_handheld_shaky.avi", "sintel_snow_2s.mp4",
          "stream_of_water.mp4", "tears_of_steel_2s.webm"]


@pytest.mark.parametrize("name", SHARED)
def test_real_clips_random_access_matches_sequential_decode(shared_media, name):
    import av

    path = shared_media / name
    size = (64, 36)
    with av.open(str(path)) as container:  # the reference: plain sequential decoding
        total = sum(1 for _ in container.demux(video=0)) - 1  # less the final empty packet
    with av.open(str(path)) as container:
        reference = []
        for frame in container.decode(video=0):  # the first 160 frames (seconds of decoding)
            reference.append(frame.to_ndarray(format="rgb24", width=size[0], height=size[1],
                                              interpolation="AREA",
                                              src_colorspace=source_colorspace(frame)))
            if len(reference) == 160:
                break
    decoder = VideoDecoder(path)
    assert len(decoder) == total
    rng = random.Random(name)
    order = sorted(rng.sample(range(len(reference)), 12), reverse=True)  # backwards: all seeks
    order += list(range(order[0] - 5, min(order[0] + 10, len(reference))))
    for n in order:
        assert np.array_equal(decoder.frame(n, size), reference[n]), n


@pytest.mark.parametrize("ext", [".mp4", ".mkv"])
def test_variable_rate_follows_timestamps(tmp_path, ext):
    times = (0, 40, 80, 200, 240, 500, 533, 566, 600, 1000)  # milliseconds
    path = write_media(tmp_path / f"vfr{ext}", video=Video(times_ms=times, fps=Fraction(25)))
    decoder = VideoDecoder(path)
    assert not decoder.index.constant and len(decoder) == len(times)
    fps = Fraction(30000, 1001)
    for k in range(36, -1, -1):
        t_ms = Fraction(k) / fps * 1000
        expected = max(i for i, t in enumerate(times) if t <= t_ms)
        assert frame_index(decoder.frame_at(k, fps)) == expected, k
