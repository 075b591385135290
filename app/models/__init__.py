"""civcap's data model. Import models from here: ``from app.models import Expert``."""

from app.models.account_link import AccountLink, LinkPurpose
from app.models.api_token import ApiToken
from app.models.audit import AuditEvent
from app.models.candidate import SELECTED_OR_LATER, Candidate, CandidateState, DismissReason
from app.models.evaluation import Evaluation, EvaluatorRole
from app.models.expert import Expert, ExpertLanguage, ExpertStatus, NotDuplicate
from app.models.idempotent_request import IdempotentRequest
from app.models.import_job import ImportJob, ImportJobStatus
from app.models.mail import OutboxMessage
from app.models.matching_state import MatchingState
from app.models.organisation import Organisation, OrganisationKind
from app.models.publication import RequestPublication
from app.models.readiness import ReadinessItem, ReadinessStatus
from app.models.recovery_code import RecoveryCode
from app.models.request import (
    ExpertiseRequest,
    RequestLanguage,
    RequestPreferredLanguage,
    RequestStatus,
)
from app.models.security_event import SecurityEvent
from app.models.suggestion import SuggestionEntry, SuggestionRun
from app.models.taxonomy import CoreArea, Skill
from app.models.throttle import LoginThrottle
from app.models.user import Role, User
from app.models.user_session import UserSession

__all__ = [
    "AccountLink",
    "ApiToken",
    "AuditEvent",
    "Candidate",
    "CandidateState",
    "CoreArea",
    "DismissReason",
    "Evaluation",
    "EvaluatorRole",
    "Expert",
    "ExpertLanguage",
    "ExpertStatus",
    "ExpertiseRequest",
    "IdempotentRequest",
    "ImportJob",
    "ImportJobStatus",
    "LinkPurpose",
    "LoginThrottle",
    "MatchingState",
    "NotDuplicate",
    "Organisation",
    "OutboxMessage",
    "OrganisationKind",
    "ReadinessItem",
    "ReadinessStatus",
    "RecoveryCode",
    "RequestLanguage",
    "RequestPreferredLanguage",
    "RequestPublication",
    "RequestStatus",
    "SELECTED_OR_LATER",
    "Role",
    "SecurityEvent",
    "Skill",
    "SuggestionEntry",
    "SuggestionRun",
    "User",
    "UserSession",
]
