"""Review pages: the review panel (on the postmortem page and on its own page), submitting for review, comments,
publishing and sending back to draft, and the queue of reviews waiting for a person.

Forms are plain POSTs that redirect; with htmx the panel re-renders in place instead. Reading anything needs
the postmortem to be visible (404 otherwise); a write the person may not do is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from postmortems import review_services, services
from postmortems.forms_review import (
    SECTION_ANCHORS,
    SECTION_LABELS,
    CommentForm,
    PublishForm,
    RequestChangesForm,
    SubmitForReviewForm,
    section_slug,
)
from postmortems.lint import Finding, check_postmortem
from postmortems.models import Postmortem, ReviewComment, Status
from postmortems.permissions import (
    can_change_comment,
    can_comment_on_postmortem,
    can_edit_postmortem,
    can_manage_review,
    can_request_changes,
    can_resolve_comment,
    is_reviewer_of,
)

QUEUE_LIMIT = 50
SUGGESTION_LIMIT = 30
# The panel shows the postmortem's heading and checks its writing; it never needs the rendered HTML.
_PANEL_DEFER = tuple(f"{name}_html" for name in ("summary", "impact", "narrative", "went_well", "got_lucky")) + (
    "open_questions_html",
    "metadata",
)


def _postmortem(request: HttpRequest, key: str) -> Postmortem:
    """The postmortem with its authors and reviewers (permission checks read them), or a 404."""
    queryset = Postmortem.objects.visible_to(request.user).defer(*_PANEL_DEFER).prefetch_related("authors", "reviewers")
    return get_object_or_404(queryset, key=key)


def _comment(request: HttpRequest, comment_id: int) -> ReviewComment:
    return get_object_or_404(ReviewComment.objects.visible_to(request.user).select_related("postmortem"), pk=comment_id)


def _section_of(comment: ReviewComment) -> dict[str, str]:
    """What a comment is about, and where that is on the postmortem page ("" for the whole document)."""
    slug = section_slug(comment.section)
    if not slug:
        return {"label": "the whole postmortem", "anchor": ""}
    if slug not in SECTION_LABELS:
        return {"label": comment.section, "anchor": ""}  # free text from the API
    return {"label": SECTION_LABELS[slug], "anchor": SECTION_ANCHORS.get(slug, slug)}


# Where each writing check points on the postmortem page: the first part of a finding's field.
_FINDING_SECTIONS = {"title": "facts", "contributing_factors": "factors", "action_items": "actions"}


def checklist(findings: list[Finding]) -> list[dict[str, Any]]:
    """The writing checks as checklist items, each with the section it is about and a link target there."""
    items = []
    for finding in findings:
        slug = section_slug(_FINDING_SECTIONS.get(finding.field.split(".")[0], finding.field.split(".")[0]))
        items.append(
            {
                "finding": finding,
                "section": SECTION_LABELS.get(slug, slug.replace("-", " ").capitalize()),
                "anchor": SECTION_ANCHORS.get(slug, slug),
            }
        )
    return items


def panel_context(request: HttpRequest, postmortem: Postmortem, **extra: Any) -> dict[str, Any]:
    """Everything the review panel shows, in a fixed number of queries: comments (1) and, in review, the checks (4).

    People with no part in the review get only a link to the history, and cost no query beyond the postmortem.
    """
    user = request.user
    may_edit = can_edit_postmortem(user, postmortem, known_visible=True)
    reviewer = is_reviewer_of(user, postmortem)
    manage = can_manage_review(user, postmortem, known_visible=True)
    may_comment = can_comment_on_postmortem(user, postmortem, known_visible=True)
    if not (manage or reviewer or may_comment or may_edit):
        return {"postmortem": postmortem, "involved": False} | extra
    comments = list(postmortem.review_comments.select_related("author", "resolved_by"))
    for comment in comments:
        comment.can_resolve = can_resolve_comment(user, comment, may_edit_postmortem=may_edit)
        comment.can_change = can_change_comment(user, comment)
        comment.about = _section_of(comment)
    in_review = postmortem.status == Status.IN_REVIEW
    context = {
        "postmortem": postmortem,
        "involved": True,
        "reviewers": list(postmortem.reviewers.all()),
        "is_reviewer": reviewer,
        "can_manage": manage,
        "can_comment": may_comment,
        "can_request_changes": in_review and can_request_changes(user, postmortem, known_visible=True),
        "open_comments": [comment for comment in comments if not comment.is_resolved],
        "resolved_comments": [comment for comment in comments if comment.is_resolved],
        "checks": checklist(check_postmortem(postmortem)) if in_review and (manage or reviewer) else [],
        "comment_form": CommentForm(),
        "changes_form": RequestChangesForm(),
        "publish_form": PublishForm(),
    }
    return context | extra


def _render_panel(request: HttpRequest, postmortem: Postmortem, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The panel alone for htmx, the review page otherwise."""
    context = panel_context(request, postmortem, **extra)
    if request.htmx:
        # htmx leaves error answers unswapped, so the panel with its field errors is sent as a normal answer.
        return render(request, "postmortems/review/_panel.html", context)
    return render(request, "postmortems/review/page.html", context, status=status)


def _review_url(postmortem: Postmortem, anchor: str = "") -> str:
    url = reverse("postmortems:review", kwargs={"key": postmortem.key})
    return f"{url}#{anchor}" if anchor else url


def _after_status_change(request: HttpRequest, postmortem: Postmortem) -> HttpResponse:
    """The page's heading shows the status, so a status change reloads the whole postmortem page."""
    url = postmortem.get_absolute_url()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def review(request: HttpRequest, key: str) -> HttpResponse:
    """The review panel: status, reviewers, checks and comments, with what this person may do."""
    postmortem = _postmortem(request, key)
    return _render_panel(request, postmortem)


def _reviewer_suggestions(postmortem: Postmortem) -> QuerySet:
    """People on the teams that own its services or may see it, and its current reviewers; never its authors."""
    users = get_user_model().objects.filter(is_active=True)
    on_teams = users.filter(
        Q(memberships__team__services__postmortem_links__postmortem=postmortem)
        | Q(memberships__team__restricted_postmortems=postmortem)
    )
    candidates = users.filter(Q(pk__in=on_teams.values("pk")) | Q(reviewing_postmortems=postmortem)).exclude(
        Q(authored_postmortems=postmortem) | Q(pk=postmortem.created_by_id or 0)
    )
    return candidates.distinct().order_by("first_name", "last_name", "username")


@require_http_methods(["GET", "POST"])
def review_submit(request: HttpRequest, key: str) -> HttpResponse:
    """Choose reviewers and send a draft for review (or change who reviews it), with the writing checks as advice."""
    postmortem = _postmortem(request, key)
    if not can_manage_review(request.user, postmortem, known_visible=True):
        raise PermissionDenied("Only the postmortem's authors and editors send it for review.")
    if postmortem.status == Status.PUBLISHED:
        messages.info(request, f"{postmortem.key} is published; amend it by editing, no review is needed.")
        return redirect(postmortem.get_absolute_url())
    suggestions = _reviewer_suggestions(postmortem)
    limited = suggestions[:SUGGESTION_LIMIT]
    current = list(postmortem.reviewers.all())
    status = 200
    if request.method == "POST":
        # Checked boxes are validated against every suggestion, not only the ones shown.
        form = SubmitForReviewForm(request.POST, suggestions=suggestions)
        if form.is_valid():
            try:
                return _submit(request, postmortem, form)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            except review_services.ReviewStateError as exc:
                form.add_error(None, str(exc))
        status = 400
    else:
        form = SubmitForReviewForm(initial={"reviewers": current}, suggestions=limited)
    form.fields["reviewers"].queryset = limited
    context = {
        "postmortem": postmortem,
        "form": form,
        "current_reviewers": current,
        "checks": checklist(check_postmortem(postmortem)),
        "resubmitting": postmortem.status == Status.IN_REVIEW,
    }
    return render(request, "postmortems/review/submit.html", context, status=status)


def _submit(request: HttpRequest, postmortem: Postmortem, form: SubmitForReviewForm) -> HttpResponse:
    chosen, note = form.chosen(), form.cleaned_data["note"]
    if postmortem.status == Status.IN_REVIEW:
        added = review_services.change_reviewers(
            postmortem=postmortem, changed_by=request.user, reviewers=chosen, note=note
        )
        names = ", ".join(user.get_full_name() or user.get_username() for user in added)
        messages.success(request, f"Reviewers updated.{f' Asked {names} by email.' if added else ''}")
    else:
        review_services.submit_for_review(postmortem=postmortem, submitted_by=request.user, reviewers=chosen, note=note)
        names = ", ".join(user.get_full_name() or user.get_username() for user in chosen)
        messages.success(request, f"{postmortem.key} is in review. {names} will get an email.")
    return redirect(postmortem.get_absolute_url())


@require_POST
def review_publish(request: HttpRequest, key: str) -> HttpResponse:
    postmortem = _postmortem(request, key)
    if not can_manage_review(request.user, postmortem, known_visible=True):
        raise PermissionDenied("Only the postmortem's authors and editors publish it.")
    form = PublishForm(request.POST)
    form.is_valid()  # a lone checkbox: absent means unticked
    try:
        review_services.publish_reviewed(
            postmortem=postmortem,
            published_by=request.user,
            allow_open_comments=form.cleaned_data.get("publish_with_open_comments", False),
        )
    except review_services.OpenComments as exc:
        return _render_panel(request, postmortem, status=409, panel_error=str(exc), confirm_publish=True)
    except review_services.ReviewStateError as exc:
        return _render_panel(request, postmortem, status=409, panel_error=str(exc))
    messages.success(request, f"{postmortem.key} is published. It can still be amended; every save is kept.")
    return _after_status_change(request, postmortem)


@require_POST
def review_request_changes(request: HttpRequest, key: str) -> HttpResponse:
    postmortem = _postmortem(request, key)
    if not can_request_changes(request.user, postmortem, known_visible=True):
        raise PermissionDenied("Only its reviewers, authors and editors send a postmortem back to draft.")
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        return _render_panel(request, postmortem, status=400, changes_form=form)
    try:
        review_services.request_changes(
            postmortem=postmortem, requested_by=request.user, note=form.cleaned_data["note"]
        )
    except review_services.ReviewStateError as exc:
        return _render_panel(request, postmortem, status=409, panel_error=str(exc))
    messages.success(request, f"{postmortem.key} is back to draft for its authors.")
    return _after_status_change(request, postmortem)


@require_POST
def comment_add(request: HttpRequest, key: str) -> HttpResponse:
    postmortem = _postmortem(request, key)
    if not can_comment_on_postmortem(request.user, postmortem, known_visible=True):
        raise PermissionDenied(f"You may not comment on {postmortem.key}.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_panel(request, postmortem, status=400, comment_form=form)
    comment = services.add_review_comment(
        postmortem=postmortem, author=request.user, body=form.cleaned_data["body"], section=form.cleaned_data["section"]
    )
    if request.htmx:
        return _render_panel(request, postmortem, comment_added=comment.pk)
    messages.success(request, "Comment added.")
    return redirect(_review_url(postmortem, f"comment-{comment.pk}"))


def _comment_action(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    comment = _comment(request, comment_id)
    postmortem = _postmortem(request, comment.postmortem.key)
    comment.postmortem = postmortem  # with its authors and reviewers, for the permission check
    if action == "delete":
        if not can_change_comment(request.user, comment):
            raise PermissionDenied("Only the comment's writer may delete it.")
        services.delete_review_comment(comment=comment, deleted_by=request.user)
        done, anchor = "Comment deleted.", "comments"
    else:
        if not can_resolve_comment(request.user, comment):
            raise PermissionDenied("Only the postmortem's authors, editors and the comment's writer resolve it.")
        if action == "resolve":
            services.resolve_review_comment(comment=comment, resolved_by=request.user)
            done = "Comment resolved."
        else:
            services.reopen_review_comment(comment=comment, reopened_by=request.user)
            done = "Comment reopened."
        anchor = f"comment-{comment.pk}"
    if request.htmx:
        return _render_panel(request, postmortem, panel_notice=done)
    messages.success(request, done)
    return redirect(_review_url(postmortem, anchor))


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Its writer corrects a comment (a page of its own: edits are rare, and it works without JavaScript)."""
    comment = _comment(request, comment_id)
    if not can_change_comment(request.user, comment):
        raise PermissionDenied("Only the comment's writer may change it.")
    postmortem = comment.postmortem
    initial = {"section": section_slug(comment.section), "body": comment.body}
    form = CommentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_review_comment(comment=comment, changed_by=request.user, **form.cleaned_data)
        messages.success(request, "Comment saved.")
        return redirect(_review_url(postmortem, f"comment-{comment.pk}"))
    status = 400 if request.method == "POST" else 200
    context = {"postmortem": postmortem, "comment": comment, "form": form}
    return render(request, "postmortems/review/comment_edit.html", context, status=status)


@require_POST
def comment_resolve(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _comment_action(request, comment_id, "resolve")


@require_POST
def comment_reopen(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _comment_action(request, comment_id, "reopen")


@require_POST
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _comment_action(request, comment_id, "delete")


def _with_open_comment_counts(postmortems: QuerySet) -> QuerySet:
    still_open = (
        ReviewComment.objects.filter(postmortem_id=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("postmortem_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return postmortems.annotate(open_comments=Coalesce(Subquery(still_open), 0))


def reviews(request: HttpRequest) -> HttpResponse:
    """What waits for this person: postmortems they were asked to review, and their own in review or in draft."""
    user = request.user
    mine = Exists(Postmortem.authors.through.objects.filter(postmortem_id=OuterRef("pk"), user_id=user.pk))
    visible = _with_open_comment_counts(
        Postmortem.objects.visible_to(user).only("id", "key", "title", "status", "severity", "kind", "updated_at")
    ).order_by("-updated_at", "-id")
    asked = Exists(Postmortem.reviewers.through.objects.filter(postmortem_id=OuterRef("pk"), user_id=user.pk))
    context = {
        "to_review": list(visible.filter(asked, status=Status.IN_REVIEW)[:QUEUE_LIMIT]),
        "mine_in_review": list(visible.filter(mine | Q(created_by=user), status=Status.IN_REVIEW)[:QUEUE_LIMIT]),
        "mine_drafts": list(visible.filter(mine | Q(created_by=user), status=Status.DRAFT)[:QUEUE_LIMIT]),
        "limit": QUEUE_LIMIT,
    }
    return render(request, "postmortems/review/queue.html", context)
