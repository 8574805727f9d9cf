"""The VQ-VAE tokenizer on a tiny config: tensor shapes, the EMA codebook and its restarts,
causal decoding across slices, and the weights file that carries its config."""
from __future__ import annotations

import numpy as np
import torch

from generation.shapes.batches import sample_batch
from generation.shapes.render import to_rgb
from generation.tiny import tiny_vqvae_config
from generation.vqvae.loading import load_vqvae
from generation.vqvae.model import VQVAE, to_input
from generation.vqvae.quantiser import Quantiser
from generation.weights import read_metadata, save_weights


def _frames(n: int = 2, t: int = 8, seed: int = 0) -> np.ndarray:
    return to_rgb(sample_batch(np.random.default_rng(seed), n, t).indices)


def _model() -> VQVAE:
    torch.manual_seed(0)
    model = VQVAE(tiny_vqvae_config())
    model.train()
    frames = torch.from_numpy(_frames())
    idx = torch.zeros(frames.shape[:4], dtype=torch.long)
    model(to_input(frames), idx, torch.ones(idx.shape))  # initialises the codebook from data
    return model.eval()


def test_shapes_of_every_stage():
    model = _model()
    cfg = model.cfg
    frames = torch.from_numpy(_frames(2, 8))
    z = model.encoder(to_input(frames))
    assert z.shape == (2, 8 // cfg.slice_frames, cfg.code_dim, cfg.latent_side, cfg.latent_side)
    codes = model.encode(frames)
    assert codes.shape == (2, 2, 8, 8, 2) == (2, *model.latent_shape(8))
    assert codes.dtype == torch.long and 0 <= int(codes.min()) and int(codes.max()) < cfg.codebook_size
    logits = model.decode_logits(codes)
    assert logits.shape == (2, 8, len(cfg.palette), 64, 64)
    out = model.decode(codes)
    assert out.shape == (2, 8, 64, 64, 3) and out.dtype == torch.uint8
    palette = {tuple(c) for c in cfg.palette}
    assert {tuple(c) for c in out.reshape(-1, 3).tolist()} <= palette


def test_training_losses_and_gradients_reach_the_encoder():
    model = VQVAE(tiny_vqvae_config()).train()
    batch = sample_batch(np.random.default_rng(3), 2, 8)
    target = torch.from_numpy(batch.indices)
    out = model(to_input(torch.from_numpy(to_rgb(batch.indices))), target, torch.ones(target.shape))
    assert out["loss"].ndim == 0 and torch.isfinite(out["loss"])
    out["loss"].backward()
    first = model.encoder.inp[0].weight.grad
    assert first is not None and float(first.abs().sum()) > 0


def test_codebook_starts_from_data_and_restarts_dead_codes_on_badly_fitted_inputs():
    torch.manual_seed(0)
    q = Quantiser(size=8, dim=2, decay=0.9, dead_below=0.5, usage_decay=0.5).train()
    near = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]).repeat(20, 1)  # 3 points, 8 codes
    q(near)
    assert bool(q.initialised) and (q.codebook.abs() < 1.1).all()  # codes drawn from the data
    far = torch.cat([near, torch.full((1, 2), 10.0)])  # one input no code fits
    for _ in range(6):
        q(far)
    # codes left unused died and were restarted on the badly fitted input
    assert (q.codebook - 10.0).norm(dim=1).min() < 0.5
    _, codes = q.eval()(torch.full((1, 2), 10.0))
    assert (q.codebook[codes] - 10.0).abs().max() < 0.5


def test_ema_moves_codes_towards_their_inputs():
    torch.manual_seed(0)
    q = Quantiser(size=2, dim=1, decay=0.5, dead_below=0.0).train()
    q(torch.tensor([[0.0], [4.0]]))
    before = q.codebook.clone()
    for _ in range(10):
        q(torch.tensor([[1.0], [3.0]]))
    assert torch.allclose(q.codebook.sort(0).values, torch.tensor([[1.0], [3.0]]), atol=0.05)
    assert not torch.equal(before, q.codebook)


def test_residual_levels_refine_the_first_level():
    model = _model()
    frames = torch.from_numpy(_frames(2, 8, seed=4))
    with torch.no_grad():
        z = model.encoder(to_input(frames)).permute(0, 1, 3, 4, 2).reshape(-1, model.cfg.code_dim)
        codes = model.encode(frames).reshape(-1, 2)
        first = model.quantiser.levels[0].lookup(codes[:, 0])
        both = model.quantiser.lookup(codes)
    assert float((z - both).pow(2).mean()) < float((z - first).pow(2).mean())


def test_a_slice_decodes_from_its_neighbours_within_the_decoders_reach():
    """Each decoder block sees one slice either side, so changing slice 3 changes the frames of
    slices 2..4 (tiny config: one block) and leaves slice 1 as it was."""
    model = _model()
    codes = model.encode(torch.from_numpy(_frames(1, 20)))  # 5 slices
    other = codes.clone()
    other[:, 3, ..., 0] = (other[:, 3, ..., 0] + 1) % model.cfg.codebook_size
    with torch.no_grad():
        a, b = model.decode_logits(codes), model.decode_logits(other)
    k, reach = model.cfg.slice_frames, model.cfg.res_blocks
    assert torch.allclose(a[:, :(3 - reach) * k], b[:, :(3 - reach) * k])
    for s in range(3 - reach, 5):
        assert not torch.allclose(a[:, s * k:(s + 1) * k], b[:, s * k:(s + 1) * k])


def test_weights_round_trip_with_config_inside(tmp_path):
    model = _model()
    path = tmp_path / "vq.safetensors"
    save_weights(path, "vqvae", model.cfg.to_dict(), model.state_dict())
    kind, config = read_metadata(path)
    assert kind == "vqvae" and config["codebook_size"] == 16
    loaded = load_vqvae(path).eval()
    assert loaded.cfg == model.cfg
    frames = torch.from_numpy(_frames(1, 8, seed=5))
    assert torch.equal(loaded.encode(frames), model.encode(frames))
    assert torch.equal(loaded.decode(model.encode(frames)), model.decode(model.encode(frames)))


def test_loss_weights_mark_edges_on_both_sides_and_a_triangles_tip_most():
    from generation.shapes.render import render_indices
    from generation.shapes.world import ClipSpec, ObjectSpec
    from generation.train.vqvae_stage import VQVAETrainConfig, pixel_weights

    idx = render_indices(ClipSpec("black", (ObjectSpec("red", "triangle", "small", "still", "slow", 32.0, 32.0),)), 1)
    target = torch.from_numpy(idx.astype(np.int64))[None]  # (1, 1, H, W)
    plain = pixel_weights(target, VQVAETrainConfig(edge_weight=4.0))[0, 0]
    cornered = pixel_weights(target, VQVAETrainConfig(edge_weight=4.0, corner_weight=3.0))[0, 0]
    ys, xs = np.nonzero(idx[0] != idx[0, 0, 0])
    top, bottom = ys.min(), ys.max()
    tip = (top, int(round(xs[ys == top].mean())))
    assert plain[tip] == 5.0 and plain[0, 0] == 1.0  # an edge band and the plain background
    assert plain[top - 1, tip[1]] == 5.0  # the band lies on the background side too
    assert cornered[tip] == 8.0  # the tip differs from three neighbours
    mid_base = (bottom, int(round(xs[ys == bottom].mean())))
    assert cornered[mid_base] == 5.0  # a straight edge gets no corner weight
    assert (cornered >= plain).all() and cornered.sum() > plain.sum()
