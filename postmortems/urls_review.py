"""Routes for the review workflow, comments, revision history and differences between revisions."""

from django.urls import URLPattern, path

from postmortems import views_history, views_review

urlpatterns: list[URLPattern] = [
    path("reviews/", views_review.reviews, name="reviews"),
    path("postmortems/<str:key>/review/", views_review.review, name="review"),
    path("postmortems/<str:key>/review/submit/", views_review.review_submit, name="review_submit"),
    path("postmortems/<str:key>/review/publish/", views_review.review_publish, name="review_publish"),
    path(
        "postmortems/<str:key>/review/request-changes/",
        views_review.review_request_changes,
        name="review_request_changes",
    ),
    path("postmortems/<str:key>/review/comments/", views_review.comment_add, name="review_comment_add"),
    path("review-comments/<int:comment_id>/edit/", views_review.comment_edit, name="review_comment_edit"),
    path("review-comments/<int:comment_id>/resolve/", views_review.comment_resolve, name="review_comment_resolve"),
    path("review-comments/<int:comment_id>/reopen/", views_review.comment_reopen, name="review_comment_reopen"),
    path("review-comments/<int:comment_id>/delete/", views_review.comment_delete, name="review_comment_delete"),
    path("postmortems/<str:key>/history/", views_history.history, name="history"),
    path("postmortems/<str:key>/history/compare/", views_history.history_diff, name="history_diff"),
]
