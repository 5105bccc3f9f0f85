"""The REST API: `create_app(settings)` builds the FastAPI app; `agentsim serve` runs it."""

from agentsim.api.app import create_app
from agentsim.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]
