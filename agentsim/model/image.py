"""Images attached to exam findings and test results (see CaseImage)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
MAX_IMAGE_BYTES = 2_000_000  # `validate` rejects a local image above this: it goes into every vision prompt


class CaseImage(BaseModel):
    """A picture that comes with an exam finding or a test result: a file under the case's folder, or a URL
    kept as a reference (never fetched by agentsim). The caption and alt text are what a text-only doctor
    gets instead, so they describe what is seen, as a report would, without the diagnosis."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)  # as case.Strict

    path: str | None = Field(default=None, description="relative to the case file's folder, e.g. images/ecg.png")
    url: str | None = Field(default=None, pattern=r"^https?://", description="a reference, never downloaded")
    media_type: str = Field(default="image/png", description=f"one of {', '.join(IMAGE_MEDIA_TYPES)}")
    caption: str = Field(min_length=3, description="one or two sentences: what the image shows")
    alt: str = Field(min_length=3, description="short alternative text")

    @model_validator(mode="after")
    def _one_source(self) -> CaseImage:
        if (self.path is None) == (self.url is None):
            raise ValueError("an image needs exactly one of path (a local file) or url (a reference)")
        if self.media_type not in IMAGE_MEDIA_TYPES:
            raise ValueError(f"media_type {self.media_type!r}: expected one of {', '.join(IMAGE_MEDIA_TYPES)}")
        if self.path is not None and (self.path.startswith(("/", "\\")) or ".." in Path(self.path).parts):
            raise ValueError(f"image path {self.path!r} must be relative and inside the case's folder")
        return self

    def resolved(self, base_dir: Path | None) -> CaseImage:
        """The same image with `path` made absolute against the case's folder (what a doctor is sent)."""
        if self.path is None or base_dir is None:
            return self
        return self.model_copy(update={"path": str((base_dir / self.path).resolve())})

    def describe(self) -> str:
        """The text form: what a text-only doctor and the replay show."""
        where = self.path or self.url
        return f"[image: {self.caption} ({where})]"
