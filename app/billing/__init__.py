"""Payments: Stripe Checkout subscriptions, the Billing Portal, signed webhooks, renewals."""
