"""The domain's words as plain values, defined once: what the model choices store (records/choices.py,
sanctions/choices.py) and what the pure rules compare with (records/rules.py, sanctions/rules.py,
disclosure/rules.py). No Django here, so the rules stay pure and still say the same words as the database.
"""

# A record's life (records.choices.RecordStatus).
RECORD_PENDING_REVIEW, RECORD_UNMATCHED, RECORD_ACTIVE = "pending_review", "unmatched", "active"
RECORD_REJECTED, RECORD_REVOKED, RECORD_REPAIRED = "rejected", "revoked", "repaired"

# Grades of dishonesty, mildest first (records.choices.Severity): seed 004 四（三） has 一般/较重/严重, the
# national repair rules add 轻微.
SEVERITIES = MINOR, GENERAL, SERIOUS, SEVERE = ("minor", "general", "serious", "severe")

# Who may see a record type (records.choices.DisclosureLevel).
DISCLOSURE_PUBLIC, DISCLOSURE_GOVERNMENT, DISCLOSURE_RESTRICTED = "public", "government", "restricted"

# The national 双公示 code of an identity document number ends so (``CF_XDR_ZJHM``, ``XK_FR_ZJHM``...): masked
# wherever it is shown (disclosure.rules.public_record_data), never shown record by record (records.RecordField).
DOCUMENT_NUMBER_SUFFIX = "_ZJHM"

# An objection's mark on a record (records.choices.ObjectionState).
OBJECTION_NONE, OBJECTION_PENDING, OBJECTION_SUSPENDED = "none", "pending", "suspended"

# List colours (sanctions.choices.Colour) and the credit status they make (sanctions.choices.CreditStatusValue).
RED, BLACK, WATCH, NOTICE = "red", "black", "watch", "notice"
STATUS_RED, STATUS_NORMAL, STATUS_WATCH, STATUS_BLACK = "red", "normal", "watch", "black"

# A list membership (sanctions.choices.MembershipState, EndReason).
MEMBERSHIP_ACTIVE, MEMBERSHIP_SUSPENDED, MEMBERSHIP_ENDED = "active", "suspended", "ended"
END_EXPIRED, END_REPAIRED, END_REVOKED, END_RULE, END_DECISION = (
    "expired",
    "repaired",
    "source_revoked",
    "rule",
    "decision",
)

# Labels of the grades, for the explanations the pure rules write (records.choices.Severity uses them too).
SEVERITY_LABELS = {MINOR: "轻微", GENERAL: "一般", SERIOUS: "较重", SEVERE: "严重"}

# How a record type's publication period is set (records.choices.DisclosureRule).
RULE_SEVERITY_REGIME, RULE_FIXED_PERIOD, RULE_LISTING_PERIOD = "severity_regime", "fixed_period", "listing_period"

# Where a record's severity came from (records.choices.SeveritySource): the department's own grading, a
# severity rule of its type matching its data, the type's default, or the platform's fallback (一般).
SEVERITY_FROM_DEPARTMENT, SEVERITY_FROM_RULE, SEVERITY_FROM_TYPE, SEVERITY_FROM_FALLBACK = (
    "department",
    "rule",
    "type_default",
    "fallback",
)

# The global staff roles (organisations.choices.StaffRoleName): each app grants them its admin permissions
# (``admin_grants`` on its AppConfig), so the grants are named without naming a higher app.
ROLE_CREDIT_ADMIN, ROLE_AUDITOR = "credit_admin", "auditor"
