"""Find diffusers-format video models on disk and say, in one line, why one cannot be used.

A model folder holds model_index.json (its pipeline class and components) and a sub-folder per
component. Folders come from the configured model folders (a model folder, or a folder of them) and
from the Hugging Face cache (models--ORG--NAME/snapshots/REV, read as ORG/NAME). Inspecting one reads
JSON files and the headers of its safetensors files only: parameter counts (for the memory
estimate) and truncated downloads are found without torch or diffusers.
"""
from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field, replace
from pathlib import Path

from generation.diffusers.families import PIPELINES, SUPPORTED, Family, Geometry
from generation.diffusers.settings import hf_cache, model_dirs

GIB = 1024**3
HALF = 2  # bytes per parameter in float16 / bfloat16
WORKSPACE = 1.2  # activations and allocator slack on top of the weights (a rough rule)
TAKEN = ("builtin", "flow")  # the other backends' names


@dataclass(frozen=True)
class LocalModel:
    name: str
    path: Path
    pipeline: str  # the class model_index.json names
    family: Family | None = None
    capabilities: tuple[str, ...] = ()
    geometry: Geometry | None = None
    text_tokens: int | None = None
    params: dict[str, int] = field(default_factory=dict)  # component -> parameter count
    variant: str | None = None  # weights only present as e.g. *.fp16.safetensors
    problem: str = ""  # why it cannot be used, one line; empty when it can

    @property
    def available(self) -> bool:
        return not self.problem

    def vram_bytes(self, offload: bool = False) -> int:
        """GPU memory it needs in half precision: all components, or (offload) the largest one."""
        weights = max(self.params.values(), default=0) if offload else sum(self.params.values())
        return int(weights * HALF * WORKSPACE) + GIB


@dataclass
class Found:
    models: list[LocalModel] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # folders that hold no model at all


def discover(dirs: list[Path] | None = None, cache: Path | None = None) -> Found:
    """Every model in the model folders (default: the configured ones) and the HF cache."""
    found = Found()
    for folder in model_dirs() if dirs is None else dirs:
        _scan_folder(Path(folder), found)
    _scan_cache(hf_cache() if cache is None else cache, found)
    _unique_names(found)
    return found


def find(name: str) -> LocalModel | None:
    """The discovered model called `name`, or the model folder at path `name`."""
    for model in discover().models:
        if model.name == name:
            return model
    path = Path(name).expanduser()
    if (path / "model_index.json").is_file():
        return inspect(path, name)
    return None


def _scan_folder(folder: Path, found: Found) -> None:
    if not folder.exists():
        found.problems.append(f"model folder {folder}: does not exist")
    elif not folder.is_dir():
        found.problems.append(f"model folder {folder}: is not a folder")
    elif (folder / "model_index.json").is_file():
        found.models.append(inspect(folder, folder.name))
    else:
        children = sorted(c for c in folder.iterdir() if (c / "model_index.json").is_file())
        if not children:
            found.problems.append(f"model folder {folder}: no diffusers model in it (no model_index.json)")
        found.models.extend(inspect(c, c.name) for c in children)


def _scan_cache(cache: Path, found: Found) -> None:
    """Supported models in the HF cache; anything else there is none of our business."""
    if not cache.is_dir():
        return
    for repo in sorted(cache.glob("models--*")):
        snapshot = _snapshot(repo)
        if snapshot is None or not (snapshot / "model_index.json").is_file():
            continue
        model = inspect(snapshot, repo.name[len("models--"):].replace("--", "/", 1))
        if model.family is not None:
            found.models.append(model)


def _snapshot(repo: Path) -> Path | None:
    ref = repo / "refs" / "main"
    if ref.is_file():
        snapshot = repo / "snapshots" / ref.read_text().strip()
        if snapshot.is_dir():
            return snapshot
    snapshots = [s for s in (repo / "snapshots").glob("*") if s.is_dir()]
    return max(snapshots, key=lambda s: s.stat().st_mtime, default=None)


def _unique_names(found: Found) -> None:
    """One entry per folder; a second folder with a taken name becomes NAME-2, and so on."""
    paths: set[Path] = set()
    names: dict[str, int] = {name: 1 for name in TAKEN}
    unique = []
    for model in found.models:
        if model.path.resolve() in paths:
            continue
        paths.add(model.path.resolve())
        n = names[model.name] = names.get(model.name, 0) + 1
        unique.append(model if n == 1 else replace(model, name=f"{model.name}-{n}"))
    found.models = unique


def inspect(path: Path, name: str) -> LocalModel:
    """What the folder at `path` holds, or the one-line reason it cannot be used."""
    try:
        index = json.loads((path / "model_index.json").read_text())
        pipeline = index["_class_name"]
    except (OSError, ValueError, KeyError, TypeError):
        return LocalModel(name, path, "", problem=f"{path}: model_index.json is not a diffusers model index")
    if pipeline not in PIPELINES:
        return LocalModel(name, path, pipeline,
                          problem=f"{path}: {pipeline} is not supported (Framesmith runs {SUPPORTED})")
    family, capabilities = PIPELINES[pipeline]
    model = LocalModel(name, path, pipeline, family, capabilities)
    configs: dict[str, dict] = {}
    params: dict[str, int] = {}
    variant = None
    components = {k: v for k, v in index.items()
                  if not k.startswith("_") and isinstance(v, list) and len(v) == 2 and v[0] is not None}
    for component, (library, class_name) in components.items():
        try:
            config, count, variant_here = _check_component(path / component, library, class_name)
        except _Missing as missing:
            return replace(model, problem=f"{family.title} at {path}: {missing.args[0]}")
        if config is not None:
            configs[component] = config
        if count is not None:
            params[component] = count
        variant = variant or variant_here
    return replace(model, geometry=family.geometry(configs), text_tokens=family.text_tokens(configs),
                    params=params, variant=variant)


class _Missing(Exception):
    """A file the component needs is absent or broken (the message names it)."""


def _check_component(folder: Path, library: str, class_name: str,
                     ) -> tuple[dict | None, int | None, str | None]:
    """(config, parameter count, weights variant) of one component; raises _Missing."""
    where = folder.name
    if not folder.is_dir():
        raise _Missing(f"missing {where}/")
    if class_name.endswith("Scheduler"):
        _require(folder / "scheduler_config.json")
        return None, None, None
    if "Tokenizer" in class_name:
        vocab = ("tokenizer.json", "spiece.model", "vocab.json", "vocab.txt", "sentencepiece.bpe.model")
        if not any((folder / v).is_file() for v in vocab):
            raise _Missing(f"missing {where}/tokenizer.json (or spiece.model)")
        return None, None, None
    if "Processor" in class_name or "FeatureExtractor" in class_name:
        _require(folder / "preprocessor_config.json")
        return None, None, None
    config = _read_json(folder / "config.json")
    files, variant = _weight_files(folder, "diffusion_pytorch_model" if library == "diffusers" else "model")
    return config, sum(_parameters(f) for f in files), variant


def _require(path: Path) -> None:
    if not path.is_file():
        raise _Missing(f"missing {path.parent.name}/{path.name}")


def _read_json(path: Path) -> dict:
    _require(path)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        raise _Missing(f"{path.parent.name}/{path.name} is not valid JSON") from None


def _weight_files(folder: Path, usual: str) -> tuple[list[Path], str | None]:
    """The weight files from_pretrained would read: plain first, then a half-precision variant;
    safetensors (single or sharded by an index) before pickled .bin."""
    prefixes = ("diffusion_pytorch_model", "model", "pytorch_model")
    for variant in (None, "fp16", "bf16"):
        dot = f".{variant}" if variant else ""
        for prefix in prefixes:
            for ext in ("safetensors", "bin"):
                index = folder / f"{prefix}.{ext}.index{dot}.json"
                if index.is_file():
                    shards = sorted(set(_read_json(index).get("weight_map", {}).values()))
                    files = [folder / s for s in shards]
                    for f in files:
                        _require(f)
                    return files, variant
                single = folder / f"{prefix}{dot}.{ext}"
                if single.is_file():
                    return [single], variant
    raise _Missing(f"missing {folder.name}/{usual}.safetensors")


def _parameters(path: Path) -> int:
    """Parameters stored in a weights file: from a safetensors header (and a check that the data
    is all there), or estimated from a .bin file's size (assumed float32)."""
    if path.suffix != ".safetensors":
        return path.stat().st_size // 4
    broken = _Missing(f"{path.parent.name}/{path.name} is incomplete or not a safetensors file")
    try:
        with open(path, "rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            if length > 100 * 1024**2:
                raise broken
            header = json.loads(f.read(length))
        tensors = [v for k, v in header.items() if k != "__metadata__"]
        end = max((t["data_offsets"][1] for t in tensors), default=0)
        if path.stat().st_size < 8 + length + end:
            raise broken
        return sum(math.prod(t["shape"]) for t in tensors)
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        raise broken from None
