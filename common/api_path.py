"""The path under which the room server's API lives: what the kiosk needs of the protocol before
its first screen, without the protocol's models (pydantic; common/protocol.py)."""

API = "/api/v1"
