"""Today's open video models (LTX-Video, CogVideoX, Wan 2.1) from folders on the user's disk,
run through the optional `diffusers` extra (`pip install framesmith[diffusers]`).

Nothing here downloads: folders are found on disk and in the Hugging Face cache, inspected by
reading their JSON configs and safetensors headers (no torch, no diffusers), and loaded with
`local_files_only=True`. Only `backend` imports torch and diffusers, when a model is loaded.
"""
