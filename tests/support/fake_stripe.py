"""A small local fake of the Stripe API endpoints the studio calls, for the real `stripe` SDK.

It runs an HTTP server on 127.0.0.1 in a thread and speaks Stripe's wire format: form-encoded
requests with bracketed nested keys, Bearer secret keys, Idempotency-Key replays, JSON
objects with `object` fields, and Stripe's error shape. Tests read `requests` to see what the
studio sent.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_fake_studio_key"


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """`line_items[0][price]=x` -> {"line_items": [{"price": "x"}]}."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            following = None if last else parts[index + 1]
            child: Any = value if last else ([] if following and following.isdigit() else {})
            if isinstance(node, list):
                position = int(part)
                while len(node) <= position:
                    node.append(None)
                if node[position] is None or last:
                    node[position] = child
                node = node[position]
            else:
                if part not in node or last:
                    node[part] = child
                node = node[part]
    return root


@dataclass
class FakeStripe:
    """The fake's state: objects by id and every request received."""

    base_url: str = ""
    pages_url: str = "https://checkout.stripe.test"
    """Where the Checkout and Billing Portal pages live (the fake serves them itself when a
    browser test points this at base_url)."""
    requests: list[Recorded] = field(default_factory=list)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoice_payments: dict[str, str] = field(default_factory=dict)
    """payment intent id -> invoice id, as InvoicePayment objects link them."""
    fail_with: int | None = None
    _replays: dict[str, dict[str, Any]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def calls(self, path: str) -> list[Recorded]:
        """The requests made to one path."""
        return [request for request in self.requests if request.path == path]

    def handle(
        self, method: str, path: str, params: dict[str, Any], key: str | None
    ) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for one request."""
        self.requests.append(Recorded(method, path, params, key))
        if self.fail_with is not None:
            return self.fail_with, _error("api_error", "The fake was told to fail.")
        if key and key in self._replays:
            return 200, self._replays[key]
        route = ROUTES.get((method, path))
        if route is None:
            return 404, _error("invalid_request_error", f"Unrecognized request URL ({path}).")
        status, body = route(self, params)
        if key and status == 200:
            self._replays[key] = body
        return status, body

    def new_id(self, prefix: str) -> str:
        """A fresh Stripe-like id."""
        return f"{prefix}_test{next(self._ids):06d}"


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}


def _create_customer(fake: FakeStripe, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    customer = {
        "id": fake.new_id("cus"),
        "object": "customer",
        "email": params.get("email"),
        "name": params.get("name"),
        "metadata": params.get("metadata", {}),
    }
    fake.customers[customer["id"]] = customer
    return 200, customer


def _create_checkout(fake: FakeStripe, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if params.get("customer") not in fake.customers:
        return 400, _error("invalid_request_error", "No such customer.")
    if params.get("mode") != "subscription" or not params.get("line_items"):
        return 400, _error("invalid_request_error", "A subscription needs line_items.")
    session_id = fake.new_id("cs")
    return 200, {
        "id": session_id,
        "object": "checkout.session",
        "mode": params["mode"],
        "customer": params["customer"],
        "client_reference_id": params.get("client_reference_id"),
        "success_url": params.get("success_url"),
        "cancel_url": params.get("cancel_url"),
        "metadata": params.get("metadata", {}),
        "url": f"{fake.pages_url}/c/pay/{session_id}",
        "status": "open",
    }


def _create_portal(fake: FakeStripe, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if params.get("customer") not in fake.customers:
        return 400, _error("invalid_request_error", "No such customer.")
    portal_id = fake.new_id("bps")
    return 200, {
        "id": portal_id,
        "object": "billing_portal.session",
        "customer": params["customer"],
        "return_url": params.get("return_url"),
        "url": f"{fake.pages_url}/p/session/{portal_id}",
    }


def _list_invoice_payments(fake: FakeStripe, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    intent = (params.get("payment") or {}).get("payment_intent")
    invoice = fake.invoice_payments.get(str(intent))
    data = (
        [{"id": fake.new_id("inpay"), "object": "invoice_payment", "invoice": invoice}]
        if invoice
        else []
    )
    return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/invoice_payments"}


ROUTES = {
    ("POST", "/v1/customers"): _create_customer,
    ("POST", "/v1/checkout/sessions"): _create_checkout,
    ("POST", "/v1/billing_portal/sessions"): _create_portal,
    ("GET", "/v1/invoice_payments"): _list_invoice_payments,
}


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _page(self, title: str) -> None:
            data = f"<!doctype html><title>{title}</title><h1>{title}</h1>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            if method == "GET" and url.path.startswith(("/c/pay/", "/p/session/")):
                kind = "Checkout" if url.path.startswith("/c/") else "Billing portal"
                self._page(f"Fake Stripe {kind} {url.path.rsplit('/', 1)[1]}")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            pairs = parse_qsl(body if method == "POST" else url.query, keep_blank_values=True)
            if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                status, answer = 401, _error("invalid_request_error", "Invalid API Key.")
            else:
                status, answer = fake.handle(
                    method, url.path, _nest(pairs), self.headers.get("Idempotency-Key")
                )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{len(fake.requests)}")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, *_: object) -> None:
            return

    return Handler


@contextmanager
def fake_stripe_server() -> Iterator[FakeStripe]:
    """Serve a fresh fake on a free loopback port until the block ends."""
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
