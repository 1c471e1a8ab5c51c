"""The permission policy: the one place that answers "may this person do this, here, today?".

Views, templates and tests all ask these functions; nothing else decides a permission.

A person's rights in a council come from their *standing* there on a given day: the roles and
committee seats whose dates cover that day. Standing is worked out afresh on every request, so a
right ends by itself when a term or appointment ends (R1).

Conventions:
- `can_<verb>(standing, obj=None)` predicates return a bool. One condition per line, each naming
  its rule.
- `get_<thing>_for_user(...)` lookups scope by council and standing *before* fetching, and raise
  Http404 alike for "not there" and "not yours", so nobody learns what exists elsewhere.

The policy is one package, a module per subject (standing, structure, officers, two_factor,
requests, concerns, letters, press, group_reports); everyone imports it as `council.policy`, and
this file re-exports every name, so a caller never needs to know which module holds a rule.
"""

from .concerns import (
    APPEALING_PARTS,
    CONCERN_EVENT_AUDIENCES,
    ConcernLike,
    can_appeal_concern,
    can_handle_concern,
    can_raise_concern,
    can_view_concern_history,
    can_view_concern_outcomes,
    can_view_concern_queue,
    can_view_escalations,
    can_view_hearings,
    can_withdraw_concern,
    concern_part,
    concern_traces_in_copy,
    concerns_in_copy,
    escalated_concerns,
    escalation_contact,
    visible_concerns,
)
from .group_reports import (
    can_prepare_group_report,
    can_view_group_reports,
    visible_group_reports,
)
from .letters import (
    CorrespondenceLike,
    can_copy_correspondence,
    can_view_correspondence,
    can_write_correspondence,
    visible_correspondence,
)
from .officers import (
    chair_of,
    chairs_of,
    proper_officer_for,
    proper_officers_for,
    vice_chair_of,
)
from .press import (
    can_approve_press_release,
    can_draft_press_release,
    can_log_press_enquiry,
    can_manage_press_office,
    can_view_press_office,
    is_spokesperson,
    visible_press_releases,
)
from .requests import (
    InformationRequestLike,
    RequestedDocumentLike,
    can_act_as_requester,
    can_decide_information_request,
    can_delegate_information_request,
    can_open_released_document,
    can_request_information,
    can_view_information_request,
    can_view_request_log,
    can_view_request_queue,
    can_view_request_timeliness,
    visible_information_requests,
)
from .standing import (
    RoleKind,
    Standing,
    councils_for_request,
    councils_for_user,
    current_roles_for_request,
    current_seats_for_request,
    get_standing_for_request,
    standing_for,
)
from .structure import (
    COUNCIL_PATH,
    can_acknowledge_protocol,
    can_assign_work,
    can_download_document,
    can_edit_council_settings,
    can_edit_protocol,
    can_export_personal_data,
    can_manage_documents,
    can_manage_people,
    can_manage_structure,
    can_view_council_home,
    can_view_history,
    can_view_register,
    can_view_structure,
    get_in_council,
    get_person_for_user,
)
from .two_factor import (
    must_use_two_factor,
    needs_two_factor_setup,
    roles_require_two_factor,
    seats_require_two_factor,
    two_factor_required_by,
)

__all__ = [
    "RoleKind",
    "Standing",
    "standing_for",
    "current_roles_for_request",
    "current_seats_for_request",
    "get_standing_for_request",
    "councils_for_user",
    "councils_for_request",
    "can_view_council_home",
    "can_manage_people",
    "can_manage_structure",
    "can_edit_council_settings",
    "can_view_structure",
    "can_view_register",
    "can_manage_documents",
    "can_download_document",
    "can_edit_protocol",
    "can_acknowledge_protocol",
    "can_assign_work",
    "can_export_personal_data",
    "can_view_history",
    "COUNCIL_PATH",
    "get_in_council",
    "get_person_for_user",
    "proper_officer_for",
    "proper_officers_for",
    "chair_of",
    "vice_chair_of",
    "chairs_of",
    "roles_require_two_factor",
    "seats_require_two_factor",
    "two_factor_required_by",
    "must_use_two_factor",
    "needs_two_factor_setup",
    "InformationRequestLike",
    "RequestedDocumentLike",
    "can_request_information",
    "can_view_request_queue",
    "can_view_request_log",
    "can_view_request_timeliness",
    "can_view_information_request",
    "can_decide_information_request",
    "can_delegate_information_request",
    "can_act_as_requester",
    "can_open_released_document",
    "visible_information_requests",
    "ConcernLike",
    "CONCERN_EVENT_AUDIENCES",
    "APPEALING_PARTS",
    "can_raise_concern",
    "can_view_concern_queue",
    "concern_part",
    "can_handle_concern",
    "can_view_concern_history",
    "can_appeal_concern",
    "can_withdraw_concern",
    "visible_concerns",
    "concerns_in_copy",
    "concern_traces_in_copy",
    "escalation_contact",
    "can_view_escalations",
    "escalated_concerns",
    "can_view_hearings",
    "can_view_concern_outcomes",
    "CorrespondenceLike",
    "can_view_correspondence",
    "can_write_correspondence",
    "visible_correspondence",
    "can_copy_correspondence",
    "is_spokesperson",
    "can_view_press_office",
    "can_draft_press_release",
    "can_approve_press_release",
    "can_manage_press_office",
    "can_log_press_enquiry",
    "visible_press_releases",
    "can_view_group_reports",
    "can_prepare_group_report",
    "visible_group_reports",
]
