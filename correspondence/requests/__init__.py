"""Information requests ("need to know", R5–R9): a councillor asks for council documents or
information; the committee's own papers are presumed needed, everything else the Proper Officer
(or the officer it is delegated to) decides, with reasons, within working-day due dates."""
