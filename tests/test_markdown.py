"""User markdown reaches pages only through the allow-list sanitiser."""

import pytest

from postmortems.markdown import render_markdown
from tests.factories import ContributingFactorFactory, PostmortemFactory

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<body onload="alert(1)">',
    "![x](javascript:alert(1))",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="https://evil.example"><input name=a></form>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
    "<<script>script>alert(1)<</script>/script>",
    '<p title="x" onmouseover="alert(1)">hover</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]

FORBIDDEN = ["<script", "onerror", "onload", "ontoggle", "onmouseover", "javascript:", "<iframe", "<svg", "style=",
             "<object", "<form", "<meta", "data:text/html"]  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_markdown_removes_active_content(payload):
    html = render_markdown(payload).lower()
    assert not any(bad in html for bad in FORBIDDEN), html


def test_render_markdown_keeps_ordinary_formatting():
    html = render_markdown("## Impact\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nkubectl get pods\n```\n")
    assert "<h2>Impact</h2>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>kubectl get pods\n</code></pre>" in html


def test_render_markdown_keeps_safe_links_and_marks_them_nofollow():
    html = render_markdown("[runbook](https://runbooks.example/cache)")
    assert html == '<p><a href="https://runbooks.example/cache" rel="noopener noreferrer nofollow">runbook</a></p>'


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS[:6])
def test_every_markdown_field_is_sanitised_on_save(payload):
    pm = PostmortemFactory(summary=payload, impact=payload, narrative=payload, went_well=payload)
    tag = ContributingFactorFactory(postmortem=pm, narrative=payload, why_it_made_sense=payload)
    stored = [pm.summary_html, pm.impact_html, pm.narrative_html, pm.went_well_html,
              tag.narrative_html, tag.why_it_made_sense_html]  # fmt: skip
    for html in stored:
        assert not any(bad in html.lower() for bad in FORBIDDEN), html


@pytest.mark.django_db
def test_detail_page_never_shows_raw_user_html(client, admin_user):
    pm = PostmortemFactory(title="<script>alert('t')</script>", summary="<img src=x onerror=alert(1)>")
    ContributingFactorFactory(postmortem=pm, narrative="<script>alert(2)</script>")
    client.force_login(admin_user)
    body = client.get(pm.get_absolute_url()).content.decode()
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in body
