"""The creator studio: a Gradio app mounted in the FastAPI app at /studio."""

from app.ui.mount import mount_studio
from app.web_paths import STUDIO_PATH

__all__ = ["STUDIO_PATH", "mount_studio"]
