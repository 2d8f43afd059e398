"""Neural backends of the AI stages, used on hosts that have their weights.

Each backend loads from a local folder (never from a hub at run time) and offers three things:

- an availability check (``is_available(folder, ...) -> bool`` and ``missing_files(...)``),
- a cached loader (one copy per process, never mutated per job),
- the generate/synthesise function, which raises
  ``pipeline.backends.common.BackendUnavailableError`` (one clear sentence) when the weights
  are missing or the backend has nothing for the request. The calling stage catches it, falls
  back to its CPU default (espeak-ng, procedural music, Ken Burns) and logs the message.

Modules: ``piper_tts`` (narration), ``musicgen`` (music), ``image_to_video`` (animated shots).
Importing this package loads no model runtime; torch, transformers, diffusers and piper are
imported inside the functions that use them.
"""
