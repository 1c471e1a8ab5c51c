from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Acknowledgement, Expectation, ProtocolVersion, Section


@admin.register(ProtocolVersion)
class ProtocolVersionAdmin(SimpleHistoryAdmin):
    list_display = ["council", "number", "status", "adopted_on", "review_on"]
    list_filter = ["status"]


for model in (Section, Expectation, Acknowledgement):
    admin.site.register(model, SimpleHistoryAdmin)
