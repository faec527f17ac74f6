"""Login required on every page, with a login redirect that also works for htmx requests."""

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Send a logged-out htmx request's whole browser to the login page, then back to the page it was on.

    htmx follows a plain redirect itself and swaps the login page into the fragment it asked for (a preview,
    a panel), so htmx gets `HX-Redirect` instead, with `next` set to the page rather than the fragment.
    Other requests get Django's redirect.
    """

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponseBase:
        # request.htmx is set by HtmxMiddleware's __call__, which runs before any middleware's process_view.
        if not request.htmx:
            return super().handle_no_permission(request, view_func)
        login_url = resolve_url(self.get_login_url(view_func))
        page = _current_page(request)
        if page is None:
            return HttpResponseClientRedirect(login_url)
        redirect = redirect_to_login(page, login_url, self.get_redirect_field_name(view_func))
        return HttpResponseClientRedirect(redirect.url)


def _current_page(request: HttpRequest) -> str | None:
    """The path of the page the htmx request was sent from (`HX-Current-URL`), or None unless it is on this site."""
    url = request.htmx.current_url or ""
    same_site = {"allowed_hosts": {request.get_host()}, "require_https": request.is_secure()}
    if not url_has_allowed_host_and_scheme(url, **same_site):
        return None
    path = urlunsplit(urlsplit(url)._replace(scheme="", netloc=""))
    # Checked again without the host: "http://host//evil.example/" is on this site, "//evil.example/" is not.
    return path if url_has_allowed_host_and_scheme(path, **same_site) else None
