"""The Qt-free media layer: probe, frame-exact decoding, caches, compositing, sound, export.

Modules: `probe` (what a file holds; `media_for` makes timeline Media), `frameindex` (every frame's
timestamp), `decoder` (frame-exact pictures), `audio` (sound by sample, folded to stereo), `pool`
(open readers per file + the `framecache`), `compositor` (project frame -> picture, frames ->
sound), `export` (render to MP4), `thumbnails` and `waveforms` (disk-cached strips and peaks),
`files` (file identity, cache folder, atomic writes), `errors` (MediaError, Cancelled). Import the
one you need; this package imports nothing itself, so PyAV loads only when used.
"""
