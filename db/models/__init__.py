"""Every table, imported so that Base.metadata knows them all."""

from db.models.billing_event import BillingEvent
from db.models.credit_account import CreditAccount
from db.models.credit_ledger import CreditLedgerEntry
from db.models.email_outbox import OutboxEmail
from db.models.idempotency_key import IdempotencyKey
from db.models.job import Job
from db.models.likeness_consent import LikenessConsent
from db.models.log_entry import LogEntry
from db.models.plan import Plan
from db.models.project import Project
from db.models.stage_cache import StageCacheEntry
from db.models.upload import Upload
from db.models.user import User
from db.models.youtube_account import YoutubeAccount, YoutubeAccountState
from db.models.youtube_integration import YoutubeIntegration

__all__ = [
    "BillingEvent",
    "CreditAccount",
    "CreditLedgerEntry",
    "IdempotencyKey",
    "Job",
    "LikenessConsent",
    "LogEntry",
    "OutboxEmail",
    "Plan",
    "Project",
    "StageCacheEntry",
    "Upload",
    "User",
    "YoutubeAccount",
    "YoutubeAccountState",
    "YoutubeIntegration",
]
