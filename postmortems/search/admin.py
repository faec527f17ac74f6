"""Admin for the search synonyms; registered from postmortems/admin.py."""

from django.contrib import admin

from postmortems.models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["terms", "note", "is_active"]
    list_filter = ["is_active"]
    list_editable = ["is_active"]
    search_fields = ["terms", "note"]
    fieldsets = [
        (
            None,
            {
                "fields": ["terms", "note", "is_active"],
                "description": "A search for any of these words or phrases also finds the others. "
                "Changes apply to the next search; nothing needs reindexing.",
            },
        )
    ]
