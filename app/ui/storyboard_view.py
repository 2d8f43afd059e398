"""How the Storyboard tab shows scenes and prices: HTML cards and labels (no events)."""

from __future__ import annotations

from html import escape

from app.storyboard.board import ref_filename
from app.storyboard.schemas import RenderEstimateResponse, SceneListResponse, SceneResponse

EXCERPT_CHARS = 60
"""How much of a scene's text its card and its entry in the scene list show."""


def scene_choice(scene: SceneResponse) -> tuple[str, int]:
    """The scene's entry in the scene picker: number and first words."""
    text = " ".join(scene.text.split())
    excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
    return f"{scene.index + 1}. {excerpt}", scene.index


def card_html(scene: SceneResponse) -> str:
    """One scene card: thumbnail, text, speaker, image, voice and whether it changed."""
    if scene.thumbnail_url:
        picture = f'<img src="{escape(scene.thumbnail_url)}" alt="Scene {scene.index + 1}">'
    else:
        picture = '<div class="scene-thumb-empty">no thumbnail yet</div>'
    image = ref_filename(scene.image) if scene.image else "spread"
    facts = [
        f"Speaker: {escape(scene.speaker or 'narrator')}",
        f"Image: {escape(image)}",
        f"Voice: {escape(str(scene.voice) if scene.voice else 'film voice')}",
    ]
    if scene.duration_s is not None and scene.start_s is not None:
        facts.append(f"{scene.start_s:.1f}s + {scene.duration_s:.1f}s")
    badge = '<span class="scene-changed">changed</span>' if scene.changed else ""
    return (
        f'<div class="scene-card" data-scene="{scene.index}">{picture}'
        f"<p><strong>Scene {scene.index + 1}</strong> {badge}</p>"
        f'<p class="scene-text">{escape(scene.text)}</p>'
        f'<p class="scene-facts">{" · ".join(facts)}</p></div>'
    )


STRIP_STYLE = (
    "<style>.scene-strip{display:flex;gap:12px;overflow-x:auto;padding:4px}"
    ".scene-card{flex:0 0 220px;border:1px solid #ccc;border-radius:8px;padding:8px}"
    ".scene-card img,.scene-thumb-empty{width:100%;aspect-ratio:16/9;object-fit:cover;"
    "background:#eee;display:flex;align-items:center;justify-content:center;font-size:12px}"
    ".scene-text{font-size:13px;max-height:6em;overflow:hidden}"
    ".scene-facts{font-size:12px;color:#555}.scene-changed{background:#fde68a;"
    "border-radius:4px;padding:0 4px;font-size:11px}</style>"
)


def strip_html(board: SceneListResponse) -> str:
    """The strip of scene cards."""
    cards = "".join(card_html(scene) for scene in board.scenes)
    return f'{STRIP_STYLE}<div class="scene-strip" aria-label="Scenes">{cards}</div>'


def render_label(estimate: RenderEstimateResponse) -> str:
    """The render button's label with its price."""
    unit = "credit" if estimate.credits == 1 else "credits"
    return f"Render changes ({estimate.credits} {unit})"


def estimate_html(estimate: RenderEstimateResponse) -> str:
    """Why the render is full or partial and how much film it redraws."""
    what = "the whole film" if estimate.full_render else f"{estimate.seconds:.0f} s of film"
    return (
        f'<p class="render-estimate">{escape(estimate.reason)} Rendering redraws {what}, '
        f"about {estimate.estimated_time_s:.0f} s of work.</p>"
    )


def preview_html(url: str, index: int) -> str:
    """A player for a scene's preview."""
    return (
        f'<p>Preview of scene {index + 1}:</p><video class="scene-preview" controls '
        f'src="{escape(url)}" style="max-width:480px"></video>'
    )
