"""New film: title, script with a live estimate, character images, voice, length, music,
language, aspect ratio and resolution; Generate queues the render."""

from __future__ import annotations

from typing import Any, get_args

import gradio as gr
from anyio import to_thread
from pydantic import ValidationError

from app.config import Settings
from app.consent.service import CONSENT_REQUIRED
from app.consent.statement import STATEMENT
from app.errors import AppError
from app.projects import service as projects
from app.projects.schemas import CreateProjectRequest
from app.ui.draft import (
    DRAFT_STORAGE_KEY,
    Draft,
    draft_secret,
    existing_files,
    load_draft,
    save_draft,
    with_typed_text,
)
from app.ui.film_estimate import (
    Estimate,
    estimate_film,
    estimate_html,
    generate_bar_html,
    slider_minutes,
)
from app.ui.film_options import (
    ASPECT_NAMES,
    CAPTION_NAMES,
    FIELD_LABELS,
    IMAGE_TYPES,
    MIN_MINUTES,
    MUSIC,
    RESOLUTION_NAMES,
    SCRIPT_PLACEHOLDER,
    SETTING_FIELDS,
    default_value,
    image_hint,
    music_info,
)
from app.ui.formatting import field_error_html, notice_html
from app.ui.image_uploads import (
    StoredImage,
    previews_html,
    resign_previews,
    store_image_files,
)
from app.ui.messages import error_message, field_problems
from app.ui.music_preview import music_preview
from app.ui.runtime import StudioRuntime
from app.ui.track_uploads import TRACK_TYPES, store_track_file, track_choice_label
from app.ui.voice_preview import voice_preview
from app.ui.widgets import section_title
from db.enums import Voice
from pipeline.errors import InputError
from pipeline.languages import SUPPORTED_LANGUAGES
from pipeline.speech.tts import LANGUAGES
from pipeline.vocabulary import Aspect, Captions, Resolution

NO_FIELD_ERROR = '<span class="field-ok" hidden></span>'
"""A field's message area with nothing to say (an empty string would not replace the HTML)."""


class NewFilmTab:
    """The form that creates a project and queues its film."""

    def __init__(self, runtime: StudioRuntime, settings: Settings) -> None:
        self.runtime = runtime
        self.stored = gr.State([])
        self.created = gr.State(None)
        self.restored = gr.State(False)
        self.typed = gr.Textbox(visible=False, elem_id="typed-draft")
        self.draft = gr.BrowserState(
            {}, storage_key=DRAFT_STORAGE_KEY, secret=draft_secret(settings.jwt_secret)
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                gr.HTML(section_title("Story", "Title your film and write what the narrator says."))
                self.title = gr.Textbox(
                    label="Title", placeholder="The lamp at the ghat", elem_id="film-title"
                )
                self.title_error = gr.HTML(elem_id="title-error")
                self.script = gr.Textbox(
                    label="Script",
                    lines=12,
                    max_lines=40,
                    placeholder=SCRIPT_PLACEHOLDER,
                    elem_id="film-script",
                )
                self.script_error = gr.HTML(elem_id="script-error")
                self.estimate = gr.HTML(elem_id="film-estimate")
                gr.HTML(section_title("Characters", image_hint(settings)))
                self.images = gr.File(
                    label="Character images",
                    file_count="multiple",
                    file_types=IMAGE_TYPES,
                    elem_id="character-images",
                )
                self.image_notice = gr.HTML(elem_id="image-notice")
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
                    value=default_value("voice").value,
                )
                self.hear_voice = gr.Button("Hear this voice", size="sm", elem_id="hear-voice")
                self.voice_preview = gr.Audio(
                    label="Voice preview",
                    interactive=False,
                    type="numpy",
                    buttons=[],
                    elem_id="voice-preview",
                    visible=False,
                )
                self.voice_notice = gr.HTML(elem_id="voice-notice")
                self.duration = gr.Slider(
                    label="Length (minutes)",
                    minimum=0,
                    maximum=MIN_MINUTES,
                    step=1,
                    value=MIN_MINUTES,
                    interactive=False,
                )
                self.ai_label = gr.Checkbox(
                    label='Show an "AI-generated" label',
                    info="A corner badge over the first seconds, and a line in the YouTube "
                    "description.",
                    value=default_value("ai_label"),
                    elem_id="ai-label",
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
                    value=default_value("music"),
                    info=music_info(default_value("music")),
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
                self.track_notice = gr.HTML(elem_id="track-notice")
                with gr.Accordion("Advanced", open=False, elem_id="advanced-settings"):
                    self.language = gr.Dropdown(
                        label="Narration language",
                        choices=[(SUPPORTED_LANGUAGES[code].name, code) for code in LANGUAGES],
                        value=default_value("language"),
                    )
                    self.aspect = gr.Radio(
                        label="Aspect ratio",
                        choices=[(ASPECT_NAMES.get(a, a), a) for a in get_args(Aspect)],
                        value=default_value("aspect"),
                    )
                    self.resolution = gr.Radio(
                        label="Resolution",
                        choices=[(RESOLUTION_NAMES.get(r, r), r) for r in get_args(Resolution)],
                        value=default_value("resolution"),
                    )
                    self.captions = gr.Radio(
                        label="Captions",
                        choices=[(CAPTION_NAMES.get(c, c), c) for c in get_args(Captions)],
                        value=default_value("captions"),
                        info="Burned into the picture. Shorts captions show one to three large "
                        "words at a time and highlight the spoken word (best in 9:16).",
                    )
        self.notice = gr.HTML(elem_id="create-notice")
        with gr.Row(elem_id="generate-bar", elem_classes=["generate-bar"]):
            self.bar = gr.HTML(generate_bar_html(None), elem_id="generate-summary")
            self.generate = gr.Button(
                "Generate film", variant="primary", size="lg", elem_id="generate-film", scale=0
            )

    @property
    def estimate_inputs(self) -> list[Any]:
        """What the estimate reads."""
        return [self.script, self.language, self.voice, self.duration, self.stored]

    @property
    def estimate_outputs(self) -> list[Any]:
        """What the estimate updates: the panel, the Generate bar and the button."""
        return [self.estimate, self.bar, self.generate]

    @property
    def draft_inputs(self) -> list[Any]:
        """The form fields a draft keeps, in FORM_FIELDS order after title, script, images."""
        return [
            self.title,
            self.script,
            self.stored,
            self.voice,
            self.duration,
            self.music,
            self.language,
            self.aspect,
            self.resolution,
            self.ai_label,
            self.captions,
        ]

    def wire(self) -> None:
        """Attach the tab's own events (Generate is wired by the studio, which owns the tabs)."""
        private: dict[str, Any] = {"api_visibility": "private"}
        for trigger in (self.script, self.language, self.voice, self.duration, self.stored):
            trigger.change(
                self.refresh_estimate,
                inputs=self.estimate_inputs,
                outputs=self.estimate_outputs,
                trigger_mode="always_last",
                show_progress="hidden",
                preprocess=False,  # raw values: the project rules, not Gradio, judge them
                **private,
            )
        for field, message in ((self.title, self.title_error), (self.script, self.script_error)):
            field.change(clear_field_error, outputs=message, show_progress="hidden", **private)
        for field in self.draft_inputs:
            field.change(
                self.keep_draft,
                inputs=[self.draft, self.restored, *self.draft_inputs],
                outputs=self.draft,
                trigger_mode="always_last",
                show_progress="hidden",
                preprocess=False,
                **private,
            )
        image_outputs = [self.images, self.stored, self.previews, self.image_notice, self.consent]
        self.images.change(
            self.receive_images,
            inputs=[self.images, self.stored, self.consent],
            outputs=image_outputs,
            **private,
        )
        self.consent.input(
            self.receive_images,
            inputs=[self.images, self.stored, self.consent],
            outputs=image_outputs,
            **private,
        )
        self.hear_voice.click(
            self.preview_voice,
            inputs=[self.voice, self.language],
            outputs=[self.voice_preview, self.voice_notice],
            **private,
        )
        self.music.change(
            self.preview_music,
            inputs=self.music,
            outputs=[self.music, self.music_preview],
            show_progress="hidden",
            **private,
        )
        self.track.upload(
            self.receive_track,
            inputs=self.track,
            outputs=[self.music, self.music_preview, self.track_notice],
            **private,
        )

    @property
    def restore_outputs(self) -> list[Any]:
        """What restoring a draft fills in."""
        return [*self.draft_inputs, self.images, self.previews, self.image_notice, self.restored]

    async def restore_draft(
        self, store: object, typed: str | None, request: gr.Request
    ) -> dict[Any, Any]:
        """Fill the form from this user's draft in the browser (after a reload or sign-in);
        the title and script as last typed, even after the session had expired."""
        done: dict[Any, Any] = {self.restored: True}
        draft = with_typed_text(load_draft(store, str(request.username)), typed, request.username)
        if draft is None:
            return done
        try:
            async with self.runtime.signed_in(request) as signed:
                images = resign_previews(self.runtime.context, signed.user.id, draft.images)
        except Exception:
            images = []
        done.update(
            {
                self.title: draft.title,
                self.script: draft.script,
                self.stored: images,
                self.images: await to_thread.run_sync(existing_files, images) or None,
                self.previews: previews_html(images),
                self.image_notice: notice_html(
                    "info", "Your draft was restored: title, script, images and settings."
                ),
            }
        )
        settings = draft.settings
        components = dict(zip(SETTING_FIELDS, self.draft_inputs[3:], strict=True))
        for name, component in components.items():
            if name in settings and name != "music":
                done[component] = settings[name]
        music = settings.get("music")
        if isinstance(music, str) and music in MUSIC:
            done[self.music] = music
        elif isinstance(music, str) and "/" in music:
            choices = [(choice.name, choice.id) for choice in MUSIC.values()]
            choices.append((track_choice_label(music.split("/", 1)[1]), music))
            done[self.music] = gr.Dropdown(choices=choices, value=music)
        return done

    def keep_draft(
        self,
        store: object,
        restored: bool,
        title: str | None,
        script: str | None,
        stored: list[StoredImage] | None,
        voice: object,
        duration: object,
        music: object,
        language: object,
        aspect: object,
        resolution: object,
        ai_label: object,
        captions: object,
        request: gr.Request,
    ) -> Any:
        """Save the form to the browser as it changes (not before the draft was restored)."""
        if not restored:
            return gr.skip()
        settings = (voice, duration, music, language, aspect, resolution, ai_label, captions)
        draft = Draft(
            title=str(title or ""),
            script=str(script or ""),
            images=list(stored or []),
            settings=dict(zip(SETTING_FIELDS, settings, strict=True)),
        )
        return save_draft(store, str(request.username), draft)

    async def refresh_estimate(
        self,
        script: str,
        language: str,
        voice: str,
        minutes: object,
        stored: list[StoredImage] | None,
        request: gr.Request,
    ) -> tuple[str, str, Any]:
        """Narration length, cost and the first broken rule for the current settings, the
        Generate bar's summary, and Generate turned off when the credits do not cover it."""
        try:
            length = slider_minutes(minutes)
            async with self.runtime.signed_in(request) as signed:
                estimate: Estimate = await estimate_film(
                    signed,
                    script or "",
                    language,
                    voice,
                    length,
                    [image.filename for image in stored or []],
                )
        except Exception as error:
            message = error_message(error, {"": FIELD_LABELS["duration"]})
            return notice_html("error", message), gr.skip(), gr.skip()
        blocked = estimate.blocker is not None
        button = gr.Button(
            interactive=not blocked,
            value="Generate film",
        )
        return estimate_html(estimate), generate_bar_html(estimate), button

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

    async def preview_voice(
        self, voice: str, language: str, request: gr.Request
    ) -> tuple[Any, str]:
        """A sentence in the chosen voice and language, as the film's narrator says it
        (free; rate limited per creator). The player shows once there is something to play.
        """
        try:
            async with self.runtime.signed_in(request) as signed:
                context = self.runtime.context
                await context.limiter.check(
                    "voice_preview", str(signed.user.id), context.settings.rate_limit_voice_previews
                )
            preview = await voice_preview(context.settings, voice, language)
        except Exception as error:
            return gr.skip(), notice_html("error", error_message(error))
        return gr.update(value=preview, visible=True), ""

    async def preview_music(self, style: str) -> tuple[Any, Any]:
        """The style's description and a short preview to listen to."""
        if style not in MUSIC:  # an uploaded track: receive_track set its preview
            return gr.skip(), gr.skip()
        try:
            preview = await music_preview(style)
        except InputError as error:
            return gr.Dropdown(info=str(error)), None
        return gr.Dropdown(info=music_info(style)), preview

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
        store: object,
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
    ) -> dict[Any, Any]:
        """Create the project and queue its film, exactly as POST /api/projects/create does;
        a field's problem is shown next to it, and the draft is cleared once queued."""
        cleared: dict[Any, Any] = {
            self.title_error: NO_FIELD_ERROR,
            self.script_error: NO_FIELD_ERROR,
        }
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
        except ValidationError as error:
            problems = field_problems(error, FIELD_LABELS)
            for name, target in (("title", self.title_error), ("script", self.script_error)):
                if name in problems:
                    cleared[target] = field_error_html(problems.pop(name))
            rest = " ".join(problems.values())
            summary = rest or "Fix the fields marked above, then press Generate again."
            return {**cleared, self.notice: notice_html("error", summary), self.created: None}
        except Exception as error:
            message = error_message(error, FIELD_LABELS)
            return {**cleared, self.notice: notice_html("error", message), self.created: None}
        message = (
            f"'{created.title}' is queued: {created.credits_charged} credits charged, "
            f"{created.credits_balance} left."
        )
        return {
            **cleared,
            self.notice: notice_html("success", message),
            self.created: created.id,
            self.draft: save_draft(store, str(request.username), Draft()),
        }

    @property
    def create_inputs(self) -> list[Any]:
        """What Generate sends (the draft store first, to clear this user's draft)."""
        return [self.draft, *self.draft_inputs]

    @property
    def create_outputs(self) -> list[Any]:
        """What Generate updates."""
        return [self.notice, self.created, self.title_error, self.script_error, self.draft]


def _client(request: gr.Request) -> str | None:
    """The browser's address, recorded with a likeness consent."""
    client = getattr(request, "client", None)
    return getattr(client, "host", None)


def clear_field_error() -> str:
    """What a field's message becomes once the field changes (an empty, hidden element)."""
    return NO_FIELD_ERROR
