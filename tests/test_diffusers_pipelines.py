"""Real generations through our diffusers backends, offline: tiny random-weight LTX-Video,
CogVideoX (text-to-video and image-to-video) and Wan 2.1 pipelines are built in the test (their
tokenizer too), saved as local model folders, found, listed, loaded and run end to end through the
public API and the job queue, with sockets closed to prove nothing is fetched."""
from __future__ import annotations

import json
import shutil
import socket
import string
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

diffusers = pytest.importorskip("diffusers", reason="the diffusers extra is not installed")
torch = pytest.importorskip("torch")

from desktop.errors import UserError  # noqa: E402
from generation import api, backends  # noqa: E402
from generation.progress import Cancelled, Progress  # noqa: E402
from generators import run  # noqa: E402


def tiny_text(umt5: bool = False):
    """A T5 tokenizer (letters as pieces) and a one-layer encoder with 32-wide states."""
    from transformers import T5Config, T5EncoderModel, T5Tokenizer, UMT5Config, UMT5EncoderModel

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    vocab += [(c, -3.0) for c in string.ascii_lowercase]
    config = dict(vocab_size=len(vocab), d_model=32, d_kv=8, d_ff=37, num_layers=1, num_heads=4,
                  relative_attention_num_buckets=8)
    encoder = UMT5EncoderModel(UMT5Config(**config)) if umt5 else T5EncoderModel(T5Config(**config))
    return T5Tokenizer(vocab=vocab, extra_ids=0), encoder


def tiny_ltx(folder: Path) -> None:
    from diffusers import (AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline,
                           LTXVideoTransformer3DModel)

    torch.manual_seed(0)
    tokenizer, encoder = tiny_text()
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                             num_attention_heads=4, attention_head_dim=8,
                                             cross_attention_dim=32, num_layers=1, caption_channels=32)
    vae = AutoencoderKLLTXVideo(
        in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1), spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False), decoder_inject_noise=(False,) * 5,
        upsample_residual=(False,) * 4, upsample_factor=(1,) * 4, timestep_conditioning=False,
        patch_size=1, patch_size_t=1, encoder_causal=True, decoder_causal=False)
    LTXPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                text_encoder=encoder, tokenizer=tokenizer).save_pretrained(folder)


def tiny_cogvideox(folder: Path, image_to_video: bool) -> None:
    from diffusers import (AutoencoderKLCogVideoX, CogVideoXDDIMScheduler, CogVideoXImageToVideoPipeline,
                           CogVideoXPipeline, CogVideoXTransformer3DModel)

    torch.manual_seed(0)
    tokenizer, encoder = tiny_text()
    # image-to-video reads the picture's latents beside the noise (twice the channels), with rotary
    # embeddings; both make 9 frames of 16x16 (2x2 latents of 8 pixels), prompts of 16 tokens
    heads = dict(num_attention_heads=2, attention_head_dim=16, use_rotary_positional_embeddings=True,
                 use_learned_positional_embeddings=True) if image_to_video else \
        dict(num_attention_heads=4, attention_head_dim=8)
    transformer = CogVideoXTransformer3DModel(
        in_channels=8 if image_to_video else 4, out_channels=4, time_embed_dim=2, text_embed_dim=32,
        num_layers=1, sample_width=2, sample_height=2, sample_frames=9, patch_size=2,
        temporal_compression_ratio=4, max_text_seq_length=16, **heads)
    vae = AutoencoderKLCogVideoX(
        in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8), latent_channels=4,
        layers_per_block=1, norm_num_groups=2, temporal_compression_ratio=4)
    kind = CogVideoXImageToVideoPipeline if image_to_video else CogVideoXPipeline
    kind(transformer=transformer, vae=vae, scheduler=CogVideoXDDIMScheduler(), text_encoder=encoder,
         tokenizer=tokenizer).save_pretrained(folder)


def tiny_wan(folder: Path) -> None:
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel

    torch.manual_seed(0)
    tokenizer, encoder = tiny_text(umt5=True)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                        in_channels=16, out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32,
                                        num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                        rope_max_seq_len=32)
    WanPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
                text_encoder=encoder, tokenizer=tokenizer).save_pretrained(folder)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """A folder of four tiny models, configured through FRAMESMITH_MODEL_DIRS; no HF cache."""
    root = tmp_path_factory.mktemp("models")
    tiny_ltx(root / "ltx")
    tiny_cogvideox(root / "cogvideox", image_to_video=False)
    tiny_cogvideox(root / "cogvideox-i2v", image_to_video=True)
    tiny_wan(root / "wan")
    patch = pytest.MonkeyPatch()
    patch.setenv("FRAMESMITH_MODEL_DIRS", str(root))
    patch.setenv("HF_HUB_CACHE", str(root / "no-cache"))
    # tiny models gain nothing from a second thread, and beside another busy process on two cores
    # OpenMP's spinning threads make each call tens of times slower
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield root
    torch.set_num_threads(threads)
    patch.undo()


def clip(frames: int, height: int, width: int) -> np.ndarray:
    """A clip whose frames brighten steadily, with a colour per third of the picture."""
    out = np.zeros((frames, height, width, 3), np.uint8)
    for t in range(frames):
        out[t, :, : width // 3] = (200, 20 + 10 * t, 20)
        out[t, :, width // 3:] = (20, 60, 100 + 5 * t)
    return out


def test_registry_lists_the_local_models_with_what_they_can_do(models):
    infos = {i.name: i for i in backends.list_backends()}
    assert [n for n in infos][:2] == ["builtin", "flow"]
    assert infos["ltx"].capabilities == ("generate", "extend") and infos["ltx"].available
    assert infos["cogvideox"].capabilities == ("generate",)
    assert infos["cogvideox-i2v"].capabilities == ("extend",)
    assert infos["wan"].capabilities == ("generate",)
    assert infos["ltx"].rules == "sides multiples of 32 (native 768x512); 4k+1 frames, at most 257, 24 fps"
    assert infos["cogvideox"].rules == "16x16 only; 4k+1 frames, always 9, 8 fps"
    assert all(i.vram_gib >= 1 for n, i in infos.items() if n not in ("builtin", "flow"))


def test_ltx_generates_at_the_asked_size_rate_and_length_with_progress_per_step(models):
    # 40x30 is no multiple of 32: the model runs at 32x32 and the clip is scaled back
    events, clips = run(api.generate_iter("a red ball rolls", seconds=0.5, seed=1, takes=2, size=(40, 30),
                                          fps=30, model="ltx", steps=3))
    assert len(clips) == 2
    for frames in clips:
        assert frames.shape == (15, 30, 40, 3) and frames.dtype == np.uint8
    steps = [(e.done, e.total) for e in events if isinstance(e, Progress)]
    assert steps[:3] == [(1, 6), (2, 6), (3, 6)] and steps[-1] == (6, 6)
    assert any(getattr(e, "preview", None) is not None for e in events)
    assert not np.array_equal(clips[0], clips[1])  # take 2 has its own seed


def test_seeds_are_reproducible_and_a_take_is_its_own_seed(models):
    a = api.generate("a blue cube", seconds=0.3, seed=7, size=32, model="ltx", steps=2)[0]
    b = api.generate("a blue cube", seconds=0.3, seed=7, size=32, model="ltx", steps=2)[0]
    c = api.generate("a blue cube", seconds=0.3, seed=8, size=32, model="ltx", steps=2)[0]
    takes = api.generate("a blue cube", seconds=0.3, seed=7, takes=2, size=32, model="ltx", steps=2)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(takes[0], a) and np.array_equal(takes[1], c)


def test_ltx_extends_a_clip_by_conditioning_on_its_last_frames(models):
    frames = clip(12, 36, 44)
    events, new = run(api.extend_iter(frames, Fraction(30), seconds=0.5, seed=2, context_frames=6,
                                      prompt="it goes on", model="ltx", steps=2))
    assert new.shape == (15, 36, 44, 3) and new.dtype == np.uint8
    assert events[-1].done == events[-1].total == 2
    again = api.extend(frames, 30, seconds=0.5, seed=2, context_frames=6, prompt="it goes on", model="ltx", steps=2)
    assert np.array_equal(new, again)
    other = api.extend(frames[:, :, ::-1].copy(), 30, seconds=0.5, seed=2, context_frames=6,
                       prompt="it goes on", model="ltx", steps=2)
    assert not np.array_equal(new, other)  # the continuation depends on the clip it continues


def test_cogvideox_runs_at_its_one_size_and_length_and_results_are_conformed(models):
    events, clips = run(api.generate_iter("waves", seconds=0.5, seed=0, size=(24, 20), fps=25,
                                          model="cogvideox", steps=2))
    assert clips[0].shape == (13, 20, 24, 3)  # 9 frames of 16x16 at 8 fps, retimed and scaled


def test_cogvideox_image_to_video_extends_pass_after_pass_from_the_last_frame(models):
    frames = clip(5, 20, 28)
    events, new = run(api.extend_iter(frames, Fraction(8), seconds=2, seed=0, model="cogvideox-i2v", steps=2))
    # 16 new frames at 8 fps; one pass makes 8 after its conditioning frame: two passes
    assert new.shape == (16, 20, 28, 3)
    assert events[-1].total == 4 and events[-1].done == 4


def test_wan_generates_and_refuses_more_than_one_pass_before_starting(models):
    clips = api.generate("a cat", seconds=0.5, seed=0, size=(16, 16), model="wan", steps=2)
    assert clips[0].shape == (8, 16, 16, 3)  # 16 fps native
    with pytest.raises(UserError, match=r"wan makes at most 81 frames \(5.06 s\) and cannot continue a clip"):
        api.generate("a cat", seconds=6, model="wan", steps=2)


def test_the_commands_take_model_folders_and_conform_to_the_asked_size_and_rate(models, tmp_path, monkeypatch):
    from desktop.cli import main
    from desktop.media.probe import probe
    from generation.diffusers.settings import configure

    monkeypatch.delenv("FRAMESMITH_MODEL_DIRS")
    out, longer = tmp_path / "ball.mp4", tmp_path / "ball-longer.mp4"
    try:
        assert main(["generate", "a ball", "-o", str(out), "--model", "ltx", "--model-dir", str(models),
                     "--size", "40x30", "--fps", "25", "--seconds", "0.4", "--steps", "1"]) == 0
        assert main(["extend", str(out), "-o", str(longer), "--model", "ltx", "--model-dir", str(models),
                     "--seconds", "0.4", "--steps", "1", "--prompt", "it bounces"]) == 0
    finally:
        configure(model_dirs=[])
    made, extended = probe(out).video, probe(longer).video
    assert (made.width, made.height, made.rate, made.frames) == (40, 30, 25, 10)
    assert (extended.width, extended.height, extended.rate, extended.frames) == (40, 30, 25, 20)


def test_capabilities_and_settings_a_model_lacks_are_refused(models):
    with pytest.raises(UserError, match="model 'cogvideox' cannot extend"):
        api.extend(clip(4, 16, 16), 8, model="cogvideox")
    with pytest.raises(UserError, match="model 'cogvideox-i2v' cannot generate"):
        api.generate("x", model="cogvideox-i2v")
    with pytest.raises(UserError, match="diffusion model: it takes no temperature"):
        api.generate("x", model="ltx", temperature=0.5)
    with pytest.raises(UserError, match="steps must be a whole number"):
        api.generate("x", model="ltx", steps=0)
    with pytest.raises(UserError, match="unknown model 'nope'.*ltx"):
        api.generate("x", model="nope")


def test_cancel_stops_between_steps_and_leaves_no_pipeline_running(models):
    asked = []

    def should_cancel():
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        run(api.generate_iter("a dog", seconds=0.3, size=32, model="ltx", steps=10, should_cancel=should_cancel))
    assert len(asked) == 3  # the third step's end saw it
    gen = api.generate_iter("a dog", seconds=0.3, size=32, model="ltx", steps=10)
    next(gen)
    gen.close()  # the job queue's cancel: the pipeline stops at its next step
    assert not [t for t in threading.enumerate() if t.name == "diffusers-pipeline"]


def test_the_job_queue_runs_a_local_model_and_records_provenance(models, tmp_path, monkeypatch):
    from desktop.jobs.queue import Job, JobQueue, State
    from desktop.jobs.tasks import GenerateRequest, generate_work

    monkeypatch.setenv("FRAMESMITH_STEPS", "4")  # the editor's requests name no steps

    request = GenerateRequest("a paper boat", seconds=0.5, seed=3, model="wan", size=32)
    events = []
    queue = JobQueue(lambda job: events.append((job.state, job.done, job.total)))
    job = queue.submit(Job(request.title, generate_work(request, tmp_path / "media", Fraction(16))))
    assert queue.wait_idle(60)
    queue.close()
    assert job.state is State.DONE, job.message
    (media,) = job.result
    assert media.provenance.model == "wan" and media.provenance.seed == 3
    assert Path(media.path).parent == tmp_path / "media"
    assert [e for e in events if e[0] is State.RUNNING and e[1]] == [(State.RUNNING, k, 4) for k in (1, 2, 3, 4, 4)]


def test_an_incomplete_model_fails_with_one_line(models, tmp_path, monkeypatch):
    broken = tmp_path / "ltx-broken"
    shutil.copytree(models / "ltx", broken)
    (broken / "vae" / "diffusion_pytorch_model.safetensors").unlink()
    monkeypatch.setenv("FRAMESMITH_MODEL_DIRS", str(tmp_path))
    info = backends.backend_info("ltx-broken")
    assert not info.available
    with pytest.raises(UserError) as error:
        api.generate("x", seconds=0.2, model="ltx-broken")
    assert str(error.value) == f"LTX-Video at {broken}: missing vae/diffusion_pytorch_model.safetensors"


@pytest.mark.parametrize("key, value, message", [
    ("num_layers", 2, r"transformer weights in .* do not match its config \(\d+ parameter tensors missing\)"),
    ("attention_head_dim", 16, r"cannot load .*expected shape"),
])
def test_weights_that_do_not_fit_their_config_fail_with_one_line(models, tmp_path, monkeypatch, key, value,
                                                                 message):
    folder = tmp_path / "ltx-odd"
    shutil.copytree(models / "ltx", folder)
    path = folder / "transformer" / "config.json"
    config = json.loads(path.read_text())
    path.write_text(json.dumps({**config, key: value}))
    monkeypatch.setenv("FRAMESMITH_MODEL_DIRS", str(tmp_path))
    with pytest.raises(UserError, match=message) as error:
        api.generate("x", seconds=0.2, size=32, model="ltx-odd", steps=1)
    assert "\n" not in str(error.value)


def test_vae_tiling_is_applied_when_asked(models, tmp_path, monkeypatch):
    shutil.copytree(models / "ltx", tmp_path / "ltx-tiled")  # a folder not loaded yet
    monkeypatch.setenv("FRAMESMITH_MODEL_DIRS", str(tmp_path))
    monkeypatch.setenv("FRAMESMITH_VAE_TILING", "1")
    # wider than the VAE's 512-pixel tiles: decoded in two overlapping tiles
    frames = api.generate("a long road", seconds=0.2, size=(640, 32), model="ltx-tiled", steps=1)[0]
    assert frames.shape == (5, 32, 640, 3)
    assert backends.load_backend("ltx-tiled").pipe.vae.use_tiling


def test_nothing_is_fetched_from_the_network(models, tmp_path, monkeypatch):
    fresh = tmp_path / "offline"
    shutil.copytree(models / "ltx", fresh / "ltx-offline")  # a folder never loaded before
    monkeypatch.setenv("FRAMESMITH_MODEL_DIRS", str(fresh))
    tried = []

    def refuse(self, address, *args):
        tried.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: tried.append(a) or refuse(None, a))
    frames = api.generate("a kite", seconds=0.2, size=32, model="ltx-offline", steps=2)[0]
    more = api.extend(frames, 24, seconds=0.2, model="ltx-offline", steps=2)
    assert frames.shape == (5, 32, 32, 3) and more.shape == (5, 32, 32, 3)
    assert tried == []
