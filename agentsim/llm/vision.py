"""Images for LLM doctors: whether a model can look at them (litellm's model map, lazily imported), and the
OpenAI-style content parts that carry them (a local file as a base64 data URL, a reference URL as it is)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from agentsim.model.action import ObservedImage


def supports_vision(model: str) -> bool:
    """litellm's answer for `model`; False for a model it does not know (a local or fake server's)."""
    try:
        import litellm  # heavy: imported only when an LLM doctor meets its first image

        return bool(litellm.supports_vision(model=model))
    except Exception:  # an unknown model raises in some litellm versions: treat it as text-only
        return False


def image_part(image: ObservedImage) -> dict[str, Any] | None:
    """One `image_url` content part, or None when a local file cannot be read (the caption still stands)."""
    if image.url:
        return {"type": "image_url", "image_url": {"url": image.url}}
    if not image.path:
        return None
    try:
        data = Path(image.path).read_bytes()
    except OSError:
        return None
    encoded = base64.b64encode(data).decode("ascii")
    return {"type": "image_url", "image_url": {"url": f"data:{image.media_type};base64,{encoded}"}}


def image_message(images: list[ObservedImage]) -> dict[str, Any] | None:
    """A user message showing the images that came with the last reply: a text part naming each, then the
    image parts. None when no image could be attached."""
    parts = [p for p in (image_part(i) for i in images) if p is not None]
    if not parts:
        return None
    named = "; ".join(f"{i.of}: {i.alt}" for i in images)
    return {"role": "user", "content": [{"type": "text", "text": f"Images attached to the result above ({named})."},
                                        *parts]}
