from django.urls import path

from postmortems import (
    urls_authoring,
    urls_catalog,
    urls_review,
    views,
    views_patterns,
    views_profile,
    views_reading,
    views_search,
    views_transfer,
)

app_name = "postmortems"

urlpatterns = [
    path("", views.postmortem_list, name="list"),
    path("profile/", views_profile.profile, name="profile"),
    path("profile/token/", views_profile.profile_token_create, name="profile_token_create"),
    path("profile/token/revoke/", views_profile.profile_token_revoke, name="profile_token_revoke"),
    path("postmortems/<str:key>/", views.postmortem_detail, name="detail"),
    path("postmortems/<str:key>/similar/", views_search.similar_to_postmortem, name="similar"),
    path("search/", views_search.search, name="search"),
    path("patterns/", views_patterns.patterns, name="patterns"),
    path("similar/", views_search.similar_to_draft, name="similar_draft"),
    path("reading/", views_reading.reading, name="reading"),
    path("reading/items/<int:item_id>/read/", views_reading.reading_mark_read, name="reading_mark_read"),
    path("reading/items/<int:item_id>/reflection/", views_reading.reading_reflect, name="reading_reflect"),
    path("reading/settings/", views_reading.reading_settings, name="reading_settings"),
    path("reading/unsubscribe/<str:token>/", views_reading.reading_unsubscribe, name="reading_unsubscribe"),
    path("library/", views_reading.library, name="library"),
    path("library/<str:key>/add/", views_reading.library_add, name="library_add"),
    path("library/<str:key>/remove/", views_reading.library_remove, name="library_remove"),
    path("import/", views_transfer.import_page, name="import"),
    path("export/postmortems.json", views_transfer.export_json, name="export_json"),
    path("export/postmortems.zip", views_transfer.export_markdown, name="export_markdown"),
    path("export/factor-tags.csv", views_transfer.export_csv, name="export_csv"),
]
# Pages by topic, each in its own module; their names live in this app's namespace.
urlpatterns += urls_authoring.urlpatterns + urls_review.urlpatterns + urls_catalog.urlpatterns
