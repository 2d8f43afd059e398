"""Names of Wan2.1 transformer weights: the original Wan layout (InfiniteTalk's checkpoints)
mapped to diffusers' WanTransformer3DModel, for an adapter file that also carries base
weights. The audio adapter's own names are the same in both and pass through unchanged."""

from __future__ import annotations

import re

_TOP_LEVEL = {
    "text_embedding.0.": "condition_embedder.text_embedder.linear_1.",
    "text_embedding.2.": "condition_embedder.text_embedder.linear_2.",
    "time_embedding.0.": "condition_embedder.time_embedder.linear_1.",
    "time_embedding.2.": "condition_embedder.time_embedder.linear_2.",
    "time_projection.1.": "condition_embedder.time_proj.",
    "img_emb.proj.0.": "condition_embedder.image_embedder.norm1.",
    "img_emb.proj.1.": "condition_embedder.image_embedder.ff.net.0.proj.",
    "img_emb.proj.3.": "condition_embedder.image_embedder.ff.net.2.",
    "img_emb.proj.4.": "condition_embedder.image_embedder.norm2.",
    "head.head.": "proj_out.",
    "patch_embedding.": "patch_embedding.",
}
_WHOLE = {"head.modulation": "scale_shift_table"}
_IN_BLOCK = {
    "modulation": "scale_shift_table",
    "self_attn.q.": "attn1.to_q.",
    "self_attn.k.": "attn1.to_k.",
    "self_attn.v.": "attn1.to_v.",
    "self_attn.o.": "attn1.to_out.0.",
    "self_attn.norm_q.": "attn1.norm_q.",
    "self_attn.norm_k.": "attn1.norm_k.",
    "cross_attn.q.": "attn2.to_q.",
    "cross_attn.k.": "attn2.to_k.",
    "cross_attn.v.": "attn2.to_v.",
    "cross_attn.o.": "attn2.to_out.0.",
    "cross_attn.norm_q.": "attn2.norm_q.",
    "cross_attn.norm_k.": "attn2.norm_k.",
    "cross_attn.k_img.": "attn2.add_k_proj.",
    "cross_attn.v_img.": "attn2.add_v_proj.",
    "cross_attn.norm_k_img.": "attn2.norm_added_k.",
    "norm3.": "norm2.",
    "ffn.0.": "ffn.net.0.proj.",
    "ffn.2.": "ffn.net.2.",
    "norm_x.": "norm_x.",
    "audio_cross_attn.": "audio_cross_attn.",
}
_BLOCK = re.compile(r"^(blocks\.\d+\.)(.*)$")


def diffusers_name(name: str) -> str | None:
    """The diffusers name of an original-layout Wan2.1 weight (or of an audio adapter weight,
    unchanged); None for a name this mapping does not know."""
    if name.startswith("audio_proj."):
        return name
    if name in _WHOLE:
        return _WHOLE[name]
    block = _BLOCK.match(name)
    prefix, rest, table = (block[1], block[2], _IN_BLOCK) if block else ("", name, _TOP_LEVEL)
    for old, new in table.items():
        if rest == old or rest.startswith(old):
            return prefix + new + rest[len(old) :]
    return None
