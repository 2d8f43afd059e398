"""Which Stripe settings are present, and what each paid plan's price is."""

from __future__ import annotations

from dataclasses import dataclass

from app.config import Settings
from app.errors import ServiceUnavailable
from db.enums import PlanType

SETTING_NAMES = (
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_PRICE_STANDARD",
    "STRIPE_PRICE_PRO",
    "STRIPE_PRICE_ENTERPRISE",
)


class PaymentsNotConfigured(ServiceUnavailable):
    """Stripe settings are missing; the message and `missing_settings` name them."""

    code = "payments_not_configured"

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(
            f"Payments are not configured: set {', '.join(missing)} "
            "(Stripe keys and the plans' monthly prices; see the README).",
            missing_settings=list(missing),
        )
        self.missing = missing


@dataclass(frozen=True)
class StripeConfig:
    """Complete Stripe settings."""

    secret_key: str
    webhook_secret: str
    prices: dict[PlanType, str]
    api_base: str | None
    webhook_tolerance_s: int
    public_base_url: str | None
    """PUBLIC_BASE_URL; None: links follow the request's own address."""

    def plan_for_price(self, price_id: str) -> PlanType | None:
        """The paid plan sold at this Stripe price, if any."""
        return next((plan for plan, price in self.prices.items() if price == price_id), None)


def _values(settings: Settings) -> tuple[str | None, ...]:
    return (
        settings.stripe_secret_key,
        settings.stripe_webhook_secret,
        settings.stripe_price_standard,
        settings.stripe_price_pro,
        settings.stripe_price_enterprise,
    )


def payments_configured(settings: Settings) -> bool | None:
    """True when every Stripe setting is set, None when none is, False when only some are."""
    present = [value is not None for value in _values(settings)]
    if all(present):
        return True
    return None if not any(present) else False


def missing_settings(settings: Settings) -> tuple[str, ...]:
    """The names of the Stripe settings that are not set."""
    return tuple(
        name for name, value in zip(SETTING_NAMES, _values(settings), strict=True) if value is None
    )


def stripe_config(settings: Settings) -> StripeConfig:
    """The Stripe settings; PaymentsNotConfigured (503) naming any that are missing."""
    missing = missing_settings(settings)
    if missing:
        raise PaymentsNotConfigured(missing)
    secret, webhook, standard, pro, enterprise = (str(value) for value in _values(settings))
    return StripeConfig(
        secret_key=secret,
        webhook_secret=webhook,
        prices={PlanType.STANDARD: standard, PlanType.PRO: pro, PlanType.ENTERPRISE: enterprise},
        api_base=settings.stripe_api_base,
        webhook_tolerance_s=settings.stripe_webhook_tolerance_s,
        public_base_url=settings.public_base_url,
    )
