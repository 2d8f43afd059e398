"""New film: title, script with a live estimate, character images, voice, length, music,
language, aspect ratio and resolution; Generate queues the render."""

from __future__ import annotations

import uuid
from typing import Any, get_args

import gradio as gr

from app.consent.service import CONSENT_REQUIRED
from app.consent.statement import STATEMENT
from app.errors import AppError
from app.music.catalogue import catalogue
from app.projects import service as projects
from app.projects.schemas import CreateProjectRequest, FilmSettings
from app.ui.account import Account
from app.ui.film_estimate import Estimate, estimate_film, estimate_html, film_minutes
from app.ui.formatting import minutes_label, notice_html
from app.ui.image_uploads import StoredImage, previews_html, store_image_files
from app.ui.messages import error_message
from app.ui.music_preview import music_preview
from app.ui.runtime import StudioRuntime
from app.ui.track_uploads import TRACK_TYPES, store_track_file, track_choice_label
from app.ui.widgets import section_title
from db.enums import Voice
from pipeline.errors import InputError
from pipeline.languages import SUPPORTED_LANGUAGES
from pipeline.speech.tts import LANGUAGES
from pipeline.vocabulary import Aspect, Captions, Resolution

FIELD_LABELS = {
    "title": "Title",
    "script": "Script",
    "images": "Character images",
    "voice": "Voice",
    "duration": "Length",
    "music": "Music",
    "language": "Narration language",
    "aspect": "Aspect ratio",
    "resolution": "Resolution",
    "captions": "Captions",
}
ASPECT_NAMES = {"16:9": "16:9 landscape", "9:16": "9:16 vertical", "1:1": "1:1 square"}
RESOLUTION_NAMES = {"360p": "360p draft", "720p": "720p HD", "1080p": "1080p Full HD"}
CAPTION_NAMES = {
    "none": "No captions",
    "subtitles": "Subtitles",
    "shorts": "Shorts captions (word by word)",
}
IMAGE_TYPES = [".png", ".jpg", ".jpeg", ".webp"]
MIN_MINUTES = 1
SCRIPT_PLACEHOLDER = (
    "Write the narration. Blank lines separate scenes.\n\n"
    "ASHA: Lines like this are spoken by Asha, and show Asha.png while she speaks."
)
MUSIC = {choice.id: choice for choice in catalogue()}


def _default(field: str) -> Any:
    return FilmSettings.model_fields[field].default


def _music_info(style: str) -> str:
    choice = MUSIC.get(style)
    return choice.description if choice else ""


def slider_update(account: Account, current: float | None = None) -> Any:
    """The length slider capped at the plan's longest film.

    A plan capped at one minute gets a fixed, full slider (a slider needs two ends).
    """
    limit = account.balance.max_video_length
    value = min(limit, max(MIN_MINUTES, round(current or MIN_MINUTES)))
    adjustable = limit > MIN_MINUTES
    return gr.Slider(
        minimum=MIN_MINUTES if adjustable else 0,
        maximum=limit,
        value=value,
        interactive=adjustable,
        info=f"Your {account.balance.plan_type.value} plan allows films up to "
        f"{minutes_label(limit)}.",
    )


class NewFilmTab:
    """The form that creates a project and queues its film."""

    def __init__(self, runtime: StudioRuntime) -> None:
        self.runtime = runtime
        self.stored = gr.State([])
        self.created = gr.State(None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                gr.HTML(section_title("Story", "Title your film and write what the narrator says."))
                self.title = gr.Textbox(label="Title", placeholder="The lamp at the ghat")
                self.script = gr.Textbox(
                    label="Script", lines=12, max_lines=40, placeholder=SCRIPT_PLACEHOLDER
                )
                self.estimate = gr.HTML(elem_id="film-estimate")
                gr.HTML(
                    section_title(
                        "Characters",
                        "JPEG, PNG or WebP. Name a file after a character (Asha.png) to show it "
                        "while ASHA speaks; other images illustrate the scenes.",
                    )
                )
                self.images = gr.File(
                    label="Character images",
                    file_count="multiple",
                    file_types=IMAGE_TYPES,
                    elem_id="character-images",
                )
                self.image_notice = gr.HTML()
                self.consent = gr.Checkbox(
                    label=STATEMENT,
                    info="A face was found: tick to confirm, and the image is stored with your "
                    "consent.",
                    value=False,
                    visible=False,
                    elem_id="likeness-consent",
                )
                self.previews = gr.HTML()
            with gr.Column(scale=2):
                gr.HTML(section_title("Film settings", "How it sounds and looks."))
                self.voice = gr.Radio(
                    label="Voice",
                    choices=[(voice.value.capitalize(), voice.value) for voice in Voice],
                    value=_default("voice").value,
                )
                self.duration = gr.Slider(
                    label="Length (minutes)",
                    minimum=0,
                    maximum=MIN_MINUTES,
                    step=1,
                    value=MIN_MINUTES,
                    interactive=False,
                )
                self.language = gr.Dropdown(
                    label="Narration language",
                    choices=[(SUPPORTED_LANGUAGES[code].name, code) for code in LANGUAGES],
                    value=_default("language"),
                )
                self.aspect = gr.Radio(
                    label="Aspect ratio",
                    choices=[(ASPECT_NAMES.get(a, a), a) for a in get_args(Aspect)],
                    value=_default("aspect"),
                )
                self.resolution = gr.Radio(
                    label="Resolution",
                    choices=[(RESOLUTION_NAMES.get(r, r), r) for r in get_args(Resolution)],
                    value=_default("resolution"),
                )
                self.ai_label = gr.Checkbox(
                    label='Show an "AI-generated" label',
                    info="A corner badge over the first seconds, and a line in the YouTube "
                    "description.",
                    value=_default("ai_label"),
                    elem_id="ai-label",
                )
                with gr.Accordion("Advanced", open=False):
                    self.captions = gr.Radio(
                        label="Captions",
                        choices=[(CAPTION_NAMES.get(c, c), c) for c in get_args(Captions)],
                        value=_default("captions"),
                        info="Burned into the picture. Shorts captions show one to three large "
                        "words at a time and highlight the spoken word (best in 9:16).",
                    )
                gr.HTML(
                    section_title(
                        "Music",
                        "A style from the catalogue or your own track, mixed under the voice.",
                    )
                )
                self.music = gr.Dropdown(
                    label="Music",
                    choices=[(choice.name, choice.id) for choice in MUSIC.values()],
                    value=_default("music"),
                    info=_music_info(_default("music")),
                )
                self.music_preview = gr.Audio(
                    label="Music preview", interactive=False, type="numpy", buttons=[]
                )
                self.track = gr.File(
                    label="Your own track (MP3, WAV, OGG or FLAC)",
                    file_count="single",
                    file_types=TRACK_TYPES,
                    elem_id="music-track",
                )
                self.track_notice = gr.HTML()
                self.generate = gr.Button("Generate film", variant="primary", size="lg")
                self.notice = gr.HTML(elem_id="create-notice")

    def wire(self) -> None:
        """Attach the tab's own events (Generate is wired by the studio, which owns the tabs)."""
        estimate_inputs = [self.script, self.language, self.voice, self.duration]
        for trigger in (self.script, self.language, self.voice, self.duration):
            trigger.change(
                self.refresh_estimate,
                inputs=estimate_inputs,
                outputs=self.estimate,
                trigger_mode="always_last",
                show_progress="hidden",
                preprocess=False,  # raw values: the project rules, not Gradio, judge them
                api_visibility="private",
            )
        image_outputs = [self.images, self.stored, self.previews, self.image_notice, self.consent]
        self.images.change(
            self.receive_images,
            inputs=[self.images, self.stored, self.consent],
            outputs=image_outputs,
            api_visibility="private",
        )
        self.consent.input(
            self.receive_images,
            inputs=[self.images, self.stored, self.consent],
            outputs=image_outputs,
            api_visibility="private",
        )
        self.music.change(
            self.preview_music,
            inputs=self.music,
            outputs=[self.music, self.music_preview],
            show_progress="hidden",
            api_visibility="private",
        )
        self.track.upload(
            self.receive_track,
            inputs=self.track,
            outputs=[self.music, self.music_preview, self.track_notice],
            api_visibility="private",
        )

    async def refresh_estimate(
        self, script: str, language: str, voice: str, minutes: object, request: gr.Request
    ) -> str:
        """Narration length, cost and the first broken rule for the current settings."""
        try:
            length = film_minutes(minutes)
            async with self.runtime.signed_in(request) as signed:
                estimate: Estimate = await estimate_film(
                    signed, script or "", language, voice, length
                )
        except Exception as error:
            return notice_html("error", error_message(error, {"": FIELD_LABELS["duration"]}))
        return estimate_html(estimate)

    async def receive_images(
        self,
        paths: list[str] | None,
        stored: list[StoredImage],
        request: gr.Request,
        consent: bool = False,
    ) -> dict[Any, Any]:
        """Store newly picked images through the upload service and show their previews; an
        image with a face waits for the likeness consent box to be ticked."""
        paths = list(paths or [])
        if paths == [image.preview_path for image in stored]:
            # Nothing new: e.g. the list was just restored after a refused image.
            return {self.image_notice: gr.skip()}
        known = {image.preview_path: image for image in stored}
        fresh = [path for path in paths if path not in known]
        kept = [known[path] for path in paths if path in known]
        if fresh:
            try:
                async with self.runtime.signed_in(request) as signed:
                    added = await store_image_files(
                        signed, self.runtime.context, fresh, consent, _client(request)
                    )
            except AppError as error:
                if error.code != CONSENT_REQUIRED:
                    return self._refused(kept, error)
                return {  # keep the picked files until the box is ticked
                    self.stored: kept,
                    self.previews: previews_html(kept),
                    self.image_notice: notice_html("info", error_message(error)),
                    self.consent: gr.Checkbox(value=False, visible=True),
                }
            except Exception as error:
                return self._refused(kept, error)
            known.update({image.preview_path: image for image in added})
        images = [known[path] for path in paths]
        message = ""
        if images:
            names = ", ".join(image.filename for image in images)
            count = f"{len(images)} image{'s' if len(images) != 1 else ''}"
            message = notice_html("success", f"{count} ready: {names}.")
        return {
            self.stored: images,
            self.previews: previews_html(images),
            self.image_notice: message,
            self.consent: gr.Checkbox(value=False, visible=False),
        }

    def _refused(self, kept: list[StoredImage], error: Exception) -> dict[Any, Any]:
        return {
            self.images: [image.preview_path for image in kept] or None,
            self.stored: kept,
            self.previews: previews_html(kept),
            self.image_notice: notice_html("error", error_message(error)),
            self.consent: gr.Checkbox(value=False, visible=False),
        }

    async def preview_music(self, style: str) -> tuple[Any, Any]:
        """The style's description and a short preview to listen to."""
        if style not in MUSIC:  # an uploaded track: receive_track set its preview
            return gr.skip(), gr.skip()
        try:
            preview = await music_preview(style)
        except InputError as error:
            return gr.Dropdown(info=str(error)), None
        return gr.Dropdown(info=_music_info(style)), preview

    async def receive_track(self, path: str | None, request: gr.Request) -> tuple[Any, Any, str]:
        """Store the picked track through the upload service and choose it as the music."""
        if not path:
            return gr.skip(), gr.skip(), ""
        try:
            async with self.runtime.signed_in(request) as signed:
                track = await store_track_file(signed, self.runtime.context, path)
        except Exception as error:
            return gr.skip(), gr.skip(), notice_html("error", error_message(error))
        choices = [(choice.name, choice.id) for choice in MUSIC.values()]
        choices.append((track_choice_label(track.filename), track.ref))
        dropdown = gr.Dropdown(
            choices=choices,
            value=track.ref,
            info="Your track, looped or trimmed to the film's length, with fades.",
        )
        seconds = f" ({track.duration_s:.0f} s)" if track.duration_s else ""
        return dropdown, path, notice_html("success", f"{track.filename}{seconds} is ready.")

    async def create_film(
        self,
        title: str,
        script: str,
        stored: list[StoredImage],
        voice: str,
        minutes: object,
        music: str,
        language: str,
        aspect: str,
        resolution: str,
        ai_label: object,
        captions: str,
        request: gr.Request,
    ) -> tuple[str, uuid.UUID | None]:
        """Create the project and queue its film, exactly as POST /api/projects/create does."""
        try:
            async with self.runtime.signed_in(request) as signed:
                body = CreateProjectRequest.model_validate(
                    {
                        "title": title,
                        "script": script,
                        "images": [image.ref for image in stored],
                        "voice": voice,
                        "duration": minutes,
                        "music": music,
                        "language": language,
                        "aspect": aspect,
                        "resolution": resolution,
                        "ai_label": ai_label,
                        "captions": captions,
                    }
                )
                created = await projects.create(signed.session, signed.user, body)
        except Exception as error:
            return notice_html("error", error_message(error, FIELD_LABELS)), None
        message = (
            f"'{created.title}' is queued: {created.credits_charged} credits charged, "
            f"{created.credits_balance} left."
        )
        return notice_html("success", message), created.id


def _client(request: gr.Request) -> str | None:
    """The browser's address, recorded with a likeness consent."""
    client = getattr(request, "client", None)
    return getattr(client, "host", None)
