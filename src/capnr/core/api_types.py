"""What every API endpoint's inputs share: a request body is a JSON object with known fields,
and an id or a page number fits the database's 64-bit integers (issue 13, finding 6: a bare
JSON string became a roadmap item, and ``?site=`` or ``?page=`` beyond 64 bits answered 500)."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import model_validator

# The default of a field a PATCH may leave out but may not set to null (a text column): left
# out, it is not in ``dict(exclude_unset=True)``; sent as null, it is refused (422).
OMITTED: Any = None
MAX_ID = 2**63 - 1  # the largest id or count PostgreSQL's bigint and SQLite's INTEGER hold
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Payload(Schema):
    """A request body: a JSON object (fields it does not know are ignored, so that a client
    may send back what it read)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja hands a schema its body, or a getter over it: anything but a mapping (a bare
        # string, a list, a number) would otherwise have its attributes read as fields.
        body = getattr(data, "_obj", data)
        if not isinstance(body, dict):
            raise ValueError("The request body must be a JSON object.")
        return data


class Pages(PageNumberPagination):
    """Django-ninja's page-number pagination with the page number bounded."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_ID // 1000)
        page_size: int | None = Field(None, ge=1, le=1000)
