"""The Django admin for every model: lists, search and filters that make it usable day to day."""

from django.contrib import admin

from postmortems import models as m
from postmortems.reading import services as reading_services
from postmortems.search import admin as search_admin  # noqa: F401 - registers SearchSynonymAdmin


class MembershipInline(admin.TabularInline):
    model = m.Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(m.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "reading_day", "reading_time", "reading_timezone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(m.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "joined_at"]
    list_filter = ["team"]
    search_fields = ["user__username", "team__name"]
    autocomplete_fields = ["user", "team"]


class DependencyInline(admin.TabularInline):
    model = m.Dependency
    fk_name = "source"
    extra = 1
    autocomplete_fields = ["target"]


@admin.register(m.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "tier", "lifecycle", "service_type"]
    list_filter = ["tier", "lifecycle", "team"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["team"]
    inlines = [DependencyInline]


@admin.register(m.Dependency)
class DependencyAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "kind"]
    list_filter = ["kind"]
    search_fields = ["source__name", "target__name", "notes"]
    autocomplete_fields = ["source", "target"]
    list_select_related = ["source", "target"]


class FactorInline(admin.TabularInline):
    model = m.Factor
    extra = 0
    fields = ["slug", "name", "is_custom", "is_active", "position"]


@admin.register(m.FactorFamily)
class FactorFamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "question", "position"]
    search_fields = ["name", "slug", "question"]
    inlines = [FactorInline]


@admin.register(m.Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "family", "is_custom", "team", "is_active"]
    list_filter = ["family", "is_custom", "is_active"]
    search_fields = ["slug", "name", "definition", "examples"]
    list_select_related = ["family", "team"]


class PostmortemServiceInline(admin.TabularInline):
    model = m.PostmortemService
    extra = 0
    autocomplete_fields = ["service"]


class TimelineEventInline(admin.TabularInline):
    model = m.TimelineEvent
    extra = 0
    fields = ["occurred_at", "kind", "text", "actor", "why_it_made_sense"]


class ContributingFactorInline(admin.StackedInline):
    model = m.ContributingFactor
    extra = 0
    fields = ["factor", "role", "narrative", "why_it_made_sense", "services", "assumption", "timeline_event"]
    autocomplete_fields = ["factor", "services", "assumption"]


class ActionItemInline(admin.TabularInline):
    model = m.ActionItem
    extra = 0
    fields = ["title", "kind", "owner", "team", "status", "due_date", "tracker_url"]
    autocomplete_fields = ["owner"]


class EvidenceInline(admin.TabularInline):
    model = m.AssumptionEvidence
    extra = 0
    autocomplete_fields = ["assumption", "postmortem"]


@admin.register(m.Postmortem)
class PostmortemAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "kind", "severity", "status", "started_at", "restricted"]
    list_filter = ["status", "kind", "severity", "restricted", "in_library", "services"]
    search_fields = ["key", "title", "summary"]
    date_hierarchy = "started_at"
    readonly_fields = ["version", "created_at", "updated_at", "published_at"]
    filter_horizontal = ["authors", "reviewers", "allowed_teams"]
    inlines = [PostmortemServiceInline, TimelineEventInline, ContributingFactorInline, ActionItemInline, EvidenceInline]

    def save_model(self, request, obj, form, change):
        # The admin bypasses the services, so keep the optimistic-lock version moving on every save.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(m.TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "occurred_at", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["text", "actor", "postmortem__key"]
    list_select_related = ["postmortem"]


@admin.register(m.ContributingFactor)
class ContributingFactorAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "factor", "role"]
    list_filter = ["role", "factor__family"]
    search_fields = ["narrative", "why_it_made_sense", "postmortem__key", "factor__slug"]
    list_select_related = ["postmortem", "factor"]
    autocomplete_fields = ["postmortem", "factor", "services", "assumption"]


@admin.register(m.ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "postmortem", "kind", "status", "owner", "team", "due_date"]
    list_filter = ["status", "kind", "team"]
    search_fields = ["title", "postmortem__key"]
    list_select_related = ["postmortem", "owner", "team"]
    autocomplete_fields = ["postmortem", "owner"]


@admin.register(m.ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "author", "section", "created_at", "resolved_at"]
    search_fields = ["body", "postmortem__key"]
    list_select_related = ["postmortem", "author"]


@admin.register(m.ReviewRequest)
class ReviewRequestAdmin(admin.ModelAdmin):
    """Who was asked to review what; read-only, since the review workflow writes these (see docs/review.md)."""

    list_display = ["postmortem", "reviewer", "requested_by", "version", "created_at", "email_sent"]
    list_filter = ["email_sent"]
    search_fields = ["postmortem__key", "reviewer__username"]
    list_select_related = ["postmortem", "reviewer", "requested_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.ChangeRequestNotice)
class ChangeRequestNoticeAdmin(admin.ModelAdmin):
    """Which authors were told that changes were requested; read-only, since the review workflow writes these."""

    list_display = ["postmortem", "author", "requested_by", "version", "created_at", "email_sent"]
    list_filter = ["email_sent"]
    search_fields = ["postmortem__key", "author__username"]
    list_select_related = ["postmortem", "author", "requested_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "version", "author", "created_at"]
    search_fields = ["postmortem__key"]
    list_select_related = ["postmortem", "author"]
    readonly_fields = ["postmortem", "version", "author", "created_at", "snapshot"]


class StatusChangeInline(admin.TabularInline):
    model = m.AssumptionStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "reason", "evidence", "postmortem"]
    can_delete = False


@admin.register(m.Assumption)
class AssumptionAdmin(admin.ModelAdmin):
    list_display = ["statement", "kind", "status", "service", "owner_team", "last_validated_at"]
    list_filter = ["status", "kind", "owner_team"]
    search_fields = ["statement"]
    list_select_related = ["service", "owner_team"]
    autocomplete_fields = ["service", "relied_on_by", "superseded_by"]
    inlines = [EvidenceInline, StatusChangeInline]


@admin.register(m.AssumptionEvidence)
class AssumptionEvidenceAdmin(admin.ModelAdmin):
    list_display = ["assumption", "postmortem", "evidence_type"]
    list_filter = ["evidence_type"]
    search_fields = ["assumption__statement", "postmortem__key", "excerpt"]
    list_select_related = ["assumption", "postmortem"]


class DigestItemInline(admin.TabularInline):
    model = m.DigestItem
    extra = 0


@admin.register(m.Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["team", "week_start", "facilitator", "sent_count", "skipped_count", "failed_count", "run_count"]
    list_filter = ["team"]
    date_hierarchy = "week_start"
    readonly_fields = ["sent_count", "skipped_count", "failed_count", "run_count", "last_run_at", "created_at"]
    inlines = [DigestItemInline]


@admin.register(m.DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "week_start", "digest", "status", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["status", "week_start", "digest__team"]
    search_fields = ["user__username", "user__email", "last_error"]
    list_select_related = ["user", "digest__team"]
    # The sending code owns these rows; the admin reads them and retries failures through the action.
    readonly_fields = [
        "digest",
        "user",
        "week_start",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "next_attempt_at",
        "claimed_at",
        "created_at",
    ]
    actions = ["retry_failed"]

    @admin.action(description="Retry the selected failed deliveries")
    def retry_failed(self, request, queryset):
        count = reading_services.retry_failed(deliveries=queryset)
        self.message_user(request, f"{count} failed deliveries queued for another try.")


@admin.register(m.ReadReceipt)
class ReadReceiptAdmin(admin.ModelAdmin):
    list_display = ["user", "postmortem", "read_at"]
    search_fields = ["user__username", "postmortem__key", "reflection"]
    list_select_related = ["user", "postmortem"]


@admin.register(m.DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "subscribed", "suppressed", "updated_at"]
    list_filter = ["subscribed", "suppressed"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["muted_teams"]
    actions = ["suppress", "resume"]

    @admin.action(description="Suppress: send these people no digest")
    def suppress(self, request, queryset):
        people = [preference.user for preference in queryset.select_related("user")]
        count = reading_services.set_suppressed(users=people, suppressed=True)
        self.message_user(request, f"Digest suppressed for {count} people.")

    @admin.action(description="Lift the suppression")
    def resume(self, request, queryset):
        people = [preference.user for preference in queryset.select_related("user")]
        count = reading_services.set_suppressed(users=people, suppressed=False)
        self.message_user(request, f"Suppression lifted for {count} people.")
