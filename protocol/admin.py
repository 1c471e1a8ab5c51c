from django.contrib import admin

from council.admin import HistoryAdmin

from .models import Acknowledgement, Expectation, ProtocolVersion, Section


@admin.register(ProtocolVersion)
class ProtocolVersionAdmin(HistoryAdmin):
    list_display = ["council", "number", "status", "adopted_on", "review_on"]
    list_filter = ["status"]


for model in (Section, Expectation, Acknowledgement):
    admin.site.register(model, HistoryAdmin)
