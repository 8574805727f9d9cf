"""Finding local diffusers models without torch or diffusers: folders written in the test in the
layout the hub uses (model_index.json, component configs, safetensors files, sharded weights, the
HF cache's snapshots), listed by `main.py models`, and every broken folder explained in one line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from generation.diffusers.backend import memory_problem
from generation.diffusers.conform import context_length, extension_frames, model_size, pass_frames
from generation.diffusers.discovery import GIB, discover, find
from generation.diffusers.families import COGVIDEOX, LTX, WAN, Geometry

ROOT = Path(__file__).resolve().parents[1]
LTX_VAE = {"_class_name": "AutoencoderKLLTXVideo", "_diffusers_version": "0.32.0", "patch_size": 4,
           "patch_size_t": 1, "spatio_temporal_scaling": [True, True, True, False]}


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def write_sparse_safetensors(path: Path, shape: tuple[int, ...]) -> None:
    """A bf16 tensor of `shape`, its data a hole in the file (so billions of parameters cost no disk)."""
    size = 2 * int(np.prod(shape))
    header = json.dumps({"w": {"dtype": "BF16", "shape": list(shape), "data_offsets": [0, size]}}).encode()
    header += b" " * (-len(header) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(len(header).to_bytes(8, "little") + header)
        f.truncate(8 + len(header) + size)


def ltx_folder(root: Path, transformer_params: int = 1000) -> Path:
    """An LTX-Video folder as on the hub: the text encoder sharded in two, the rest single files."""
    write_json(root / "model_index.json", {
        "_class_name": "LTXPipeline", "_diffusers_version": "0.32.0",
        "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
        "text_encoder": ["transformers", "T5EncoderModel"],
        "tokenizer": ["transformers", "T5TokenizerFast"],
        "transformer": ["diffusers", "LTXVideoTransformer3DModel"],
        "vae": ["diffusers", "AutoencoderKLLTXVideo"]})
    write_json(root / "scheduler" / "scheduler_config.json", {"_class_name": "FlowMatchEulerDiscreteScheduler"})
    write_json(root / "tokenizer" / "tokenizer_config.json", {})
    (root / "tokenizer" / "spiece.model").write_bytes(b"sentencepiece")
    text = root / "text_encoder"
    write_json(text / "config.json", {"architectures": ["T5EncoderModel"]})
    shards = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    save_file({"a": np.zeros((10, 20), np.float32)}, str(text / shards[0]))
    save_file({"b": np.zeros((30,), np.float16)}, str(text / shards[1]))
    write_json(text / "model.safetensors.index.json", {"weight_map": {"a": shards[0], "b": shards[1]}})
    write_json(root / "transformer" / "config.json", {"_class_name": "LTXVideoTransformer3DModel", "patch_size": 1})
    write_sparse_safetensors(root / "transformer" / "diffusion_pytorch_model.safetensors", (transformer_params,))
    write_json(root / "vae" / "config.json", LTX_VAE)
    save_file({"c": np.zeros((7, 3), np.float32)}, str(root / "vae" / "diffusion_pytorch_model.safetensors"))
    return root


def test_an_ltx_folder_is_found_with_its_rules_parameters_and_memory(tmp_path):
    folder = ltx_folder(tmp_path / "LTX-Video", transformer_params=2_000_000_000)
    found = discover([tmp_path], cache=tmp_path / "no-cache")
    assert found.problems == []
    (model,) = found.models
    assert (model.name, model.path, model.available) == ("LTX-Video", folder, True)
    assert model.capabilities == ("generate", "extend")
    assert model.params == {"text_encoder": 230, "transformer": 2_000_000_000, "vae": 21}
    # the VAE compresses 4 * 2**3 = 32 pixels and 2**3 = 8 frames: LTX's 8k+1 rule, sides of 32
    assert (model.geometry.frame_step, model.geometry.size_multiple) == (8, 32)
    total = 2_000_000_251
    assert model.vram_bytes() == int(total * 2 * 1.2) + GIB  # half precision, 20% workspace, 1 GiB
    assert model.vram_bytes(offload=True) == int(2_000_000_000 * 2 * 1.2) + GIB  # the largest part
    assert find("LTX-Video") is None  # not configured: only the folders given to discover() were read


def test_a_gpu_too_small_is_refused_with_what_to_try(tmp_path):
    (model,) = discover([ltx_folder(tmp_path / "ltx", transformer_params=2_000_000_000)], cache=tmp_path).models
    full, offload = model.vram_bytes(), model.vram_bytes(offload=True)
    assert memory_problem(model, full, 80 * GIB, False, "GPU 0") == ""
    assert memory_problem(model, full - 1, 80 * GIB, False, "GPU 0") == (
        f"ltx needs about {full / GIB:.1f} GiB of GPU memory, but GPU 0 has {(full - 1) / GIB:.1f} GiB free "
        f"(of 80.0 GiB): try --offload (about {offload / GIB:.1f} GiB)")
    assert memory_problem(model, offload - 1, 80 * GIB, True, "GPU 0").endswith(
        ": close other programs using the GPU, or use a smaller model")


@pytest.mark.parametrize("damage, message", [
    (lambda f: os.remove(f / "transformer" / "diffusion_pytorch_model.safetensors"),
     "missing transformer/diffusion_pytorch_model.safetensors"),
    (lambda f: os.remove(f / "text_encoder" / "model-00002-of-00002.safetensors"),
     "missing text_encoder/model-00002-of-00002.safetensors"),
    (lambda f: os.truncate(f / "vae" / "diffusion_pytorch_model.safetensors", 100),
     "vae/diffusion_pytorch_model.safetensors is incomplete or not a safetensors file"),
    (lambda f: os.remove(f / "tokenizer" / "spiece.model"), "missing tokenizer/tokenizer.json (or spiece.model)"),
    (lambda f: os.remove(f / "scheduler" / "scheduler_config.json"), "missing scheduler/scheduler_config.json"),
    (lambda f: (f / "vae" / "config.json").write_text("{oops"), "vae/config.json is not valid JSON"),
])
def test_an_incomplete_folder_is_explained_in_one_line(tmp_path, damage, message):
    folder = ltx_folder(tmp_path / "ltx")
    damage(folder)
    (model,) = discover([folder], cache=tmp_path / "no-cache").models
    assert not model.available
    assert model.problem == f"LTX-Video at {folder}: {message}"
    assert "\n" not in model.problem


def test_folders_without_a_usable_model_are_explained(tmp_path):
    (tmp_path / "empty").mkdir()
    write_json(tmp_path / "sd" / "model_index.json", {"_class_name": "StableDiffusionPipeline"})
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "model_index.json").write_text("not json")
    found = discover([tmp_path / "nope", tmp_path / "empty", tmp_path / "sd", tmp_path / "broken"],
                     cache=tmp_path / "no-cache")
    assert found.problems == [f"model folder {tmp_path / 'nope'}: does not exist",
                              f"model folder {tmp_path / 'empty'}: no diffusers model in it (no model_index.json)"]
    sd, broken = found.models
    assert sd.problem.startswith(f"{tmp_path / 'sd'}: StableDiffusionPipeline is not supported")
    assert broken.problem == f"{tmp_path / 'broken'}: model_index.json is not a diffusers model index"


def test_the_hf_cache_is_read_offline_by_repo_name(tmp_path):
    repo = tmp_path / "hub" / "models--Lightricks--LTX-Video"
    ltx_folder(repo / "snapshots" / "abc123")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("abc123")
    write_json(tmp_path / "hub" / "models--someone--image-model" / "snapshots" / "x" / "model_index.json",
               {"_class_name": "StableDiffusionPipeline"})  # not a video model: not listed
    (model,) = discover([], cache=tmp_path / "hub").models
    assert model.name == "Lightricks/LTX-Video" and model.available
    assert model.path == repo / "snapshots" / "abc123"


def test_same_names_in_two_folders_get_distinct_names(tmp_path):
    ltx_folder(tmp_path / "a" / "ltx")
    ltx_folder(tmp_path / "b" / "ltx")
    ltx_folder(tmp_path / "b" / "flow")
    found = discover([tmp_path / "a", tmp_path / "b", tmp_path / "a" / "ltx"], cache=tmp_path / "none")
    # the folder given twice is listed once; "flow" is the optical-flow backend's name
    assert [m.name for m in found.models] == ["ltx", "flow-2", "ltx-2"]


def test_models_command_lists_configured_folders_without_importing_diffusers(tmp_path):
    ltx_folder(tmp_path / "one" / "LTX-Video")
    incomplete = ltx_folder(tmp_path / "two" / "ltx-broken")
    os.remove(incomplete / "transformer" / "diffusion_pytorch_model.safetensors")
    script = ("import sys, runpy\n"
              "sys.argv = ['main.py', 'models', '--model-dir', sys.argv[1]]\n"
              "try:\n    runpy.run_path('main.py', run_name='__main__')\nexcept SystemExit:\n    pass\n"
              "print('diffusers imported:', 'diffusers' in sys.modules)\n")
    env = dict(os.environ, FRAMESMITH_MODEL_DIRS=os.pathsep.join([str(tmp_path / "two"), str(tmp_path / "nope")]),
               HF_HUB_CACHE=str(tmp_path / "no-cache"))
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "one")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("LTX-Video ") and "generate, extend" in line and "ready" in line for line in lines)
    assert "sides multiples of 32 (native 768x512); 8k+1 frames, at most 257, 24 fps" in out.stdout
    assert "GPU memory about 1 GiB in half precision" in out.stdout
    assert (f"unavailable (LTX-Video at {incomplete}: missing transformer/diffusion_pytorch_model.safetensors)"
            in out.stdout)
    assert f"model folder {tmp_path / 'nope'}: does not exist" in lines
    assert "Traceback" not in out.stdout + out.stderr
    assert lines[-1] == "diffusers imported: False"


def test_discovery_imports_neither_torch_nor_diffusers(tmp_path):
    ltx_folder(tmp_path / "ltx")
    script = ("import sys\nfrom pathlib import Path\nfrom generation.diffusers.discovery import discover\n"
              "found = discover([Path(sys.argv[1])], cache=Path(sys.argv[1]) / 'none')\n"
              "assert found.models[0].available\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'diffusers')))\n")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


G_LTX = Geometry(32, (768, 512), False, 8, 257, False, Fraction(24))
G_COG = Geometry(16, (720, 480), True, 4, 49, True, Fraction(8))


@pytest.mark.parametrize("geometry, want, size", [
    (G_LTX, (1920, 1080), (1920, 1088)),
    (G_LTX, (40, 30), (32, 32)),
    (G_LTX, (10, 10), (32, 32)),  # never below one multiple
    (G_COG, (1920, 1080), (720, 480)),  # one size only
])
def test_sizes_round_to_what_the_model_accepts(geometry, want, size):
    assert model_size(want, geometry) == size


@pytest.mark.parametrize("geometry, needed, frames", [
    (G_LTX, 1, 1), (G_LTX, 2, 9), (G_LTX, 9, 9), (G_LTX, 10, 17), (G_LTX, 1000, 257),
    (G_COG, 3, 49), (G_COG, 49, 49),  # CogVideoX always makes its one length, trimmed after
])
def test_frame_counts_round_up_to_the_rule(geometry, needed, frames):
    assert pass_frames(needed, geometry) == frames


@pytest.mark.parametrize("wanted, context, new, frames", [
    (25, 25, 10, 41),  # 10 new frames round up to 16 so that 25 + 16 = 8*5 + 1
    (30, 25, 1, 33),
    (1, 1, 8, 9),
    (300, 249, 100, 257),  # context leaves room for one step; a pass never passes 257
])
def test_extension_passes_keep_the_rule(wanted, context, new, frames):
    assert context_length(wanted, G_LTX) == context
    assert extension_frames(context, new, G_LTX) == frames
    assert (frames - 1) % 8 == 0


@pytest.mark.parametrize("family, configs, rules", [
    (LTX, {"vae": LTX_VAE, "transformer": {"patch_size": 1}},  # 0.9.0 / 0.9.1: ratios from the scaling
     "sides multiples of 32 (native 768x512); 8k+1 frames, at most 257, 24 fps"),
    (LTX, {"vae": {**LTX_VAE, "spatio_temporal_scaling": [True] * 4, "spatial_compression_ratio": 32,
                   "temporal_compression_ratio": 8}, "transformer": {"patch_size": 1}},  # 0.9.5 and later
     "sides multiples of 32 (native 768x512); 8k+1 frames, at most 257, 24 fps"),
    (COGVIDEOX, {"vae": {"block_out_channels": [128, 256, 256, 512], "temporal_compression_ratio": 4},
                 "transformer": {"patch_size": 2, "patch_size_t": None, "sample_width": 90, "sample_height": 60,
                                 "sample_frames": 49}},
     "720x480 only; 4k+1 frames, always 49, 8 fps"),
    (COGVIDEOX, {"vae": {"block_out_channels": [128, 256, 256, 512], "temporal_compression_ratio": 4},
                 "transformer": {"patch_size": 2, "patch_size_t": 2, "sample_width": 300, "sample_height": 300,
                                 "sample_frames": 81}},  # 1.5
     "sides multiples of 16 (native 1360x768); 4k+1 frames, always 81, 16 fps"),
    (WAN, {"vae": {"scale_factor_spatial": 8, "scale_factor_temporal": 4}, "transformer": {"patch_size": [1, 2, 2]}},
     "sides multiples of 16 (native 832x480); 4k+1 frames, at most 81, 16 fps"),
])
def test_each_family_reads_its_rules_from_the_configs(family, configs, rules):
    assert family.geometry(configs).describe() == rules
