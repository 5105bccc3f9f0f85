"""Pure pydantic data. Imports nothing else of agentsim."""
