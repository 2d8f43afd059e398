"""Reading the fields the studio needs from Stripe's event objects, across API versions.

Webhook payloads follow the API version of the endpoint, so each reader accepts the older
shape (invoice.subscription, line.price, subscription.current_period_end) and the newer one
(invoice.parent.subscription_details, line.pricing.price_details, item.current_period_end).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]


def as_id(value: object) -> str | None:
    """An object's id whether it is expanded ({"id": ...}) or not ("sub_...")."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def timestamp(value: object) -> datetime | None:
    """A Stripe Unix timestamp as an aware datetime."""
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else None


def _first(items: object) -> Json:
    data = items.get("data") if isinstance(items, dict) else None
    return data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}


def invoice_subscription(invoice: Json) -> str | None:
    """The subscription an invoice bills."""
    direct = as_id(invoice.get("subscription"))
    if direct:
        return direct
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return as_id(details.get("subscription"))


def invoice_price(invoice: Json) -> str | None:
    """The price of the invoice's first line."""
    line = _first(invoice.get("lines"))
    price = as_id(line.get("price"))
    if price:
        return price
    details = (line.get("pricing") or {}).get("price_details") or {}
    return as_id(details.get("price")) or as_id(line.get("plan"))


def invoice_period(invoice: Json) -> tuple[datetime | None, datetime | None]:
    """The service period the invoice's first line pays for."""
    period = _first(invoice.get("lines")).get("period") or {}
    start = timestamp(period.get("start")) or timestamp(invoice.get("period_start"))
    end = timestamp(period.get("end")) or timestamp(invoice.get("period_end"))
    return start, end


def subscription_price(subscription: Json) -> str | None:
    """The price of the subscription's first item."""
    item = _first(subscription.get("items"))
    return as_id(item.get("price")) or as_id(item.get("plan"))


def subscription_period_end(subscription: Json) -> datetime | None:
    """When the subscription's current period ends."""
    item = _first(subscription.get("items"))
    return timestamp(item.get("current_period_end")) or timestamp(
        subscription.get("current_period_end")
    )


def metadata_user(obj: Json) -> str | None:
    """The studio user id the studio put in the object's metadata."""
    metadata = obj.get("metadata") or {}
    value = metadata.get("user_id") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and value else None
