"""The page's "Publish" action: a form pre-filled from the story (title, caption, credit, alt
text written from the data) that freezes the current view into a snapshot and shows its link,
image links and the embed code to copy. Hidden with ``DASHBOARD_PUBLISH=off``."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import streamlit as st

from dashboard.config import Settings
from dashboard.core.escape import for_markdown
from dashboard.core.geography import ArticleGeography
from dashboard.core.publish.build import default_texts
from dashboard.core.publish.model import TEXT_LIMITS, PublishError, SnapshotLinks, SnapshotTexts
from dashboard.core.publish.page import embed_code
from dashboard.core.view.state import ViewState
from dashboard.services.snapshots import SnapshotStore, publish_view

PUBLISH_WIDGET = "publish_open"


@st.cache_resource
def snapshot_store(_settings: Settings) -> SnapshotStore:
    """This process's snapshot store (one per server)."""
    return SnapshotStore.from_settings(_settings)


def _base_url(settings: Settings) -> str:
    """The address the reader reached this page at (``scheme://host[:port]``), else DASHBOARD_PUBLIC_URL."""
    url = st.context.url
    parts = urlsplit(url) if url else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return settings.public_url
    return f"{parts.scheme}://{parts.netloc}"


def render_publish(settings: Settings, geo: ArticleGeography, view: ViewState, day: dt.date | None) -> None:
    """The "Publish" expander (built only while open) with its form and, after publishing, the links."""
    if not settings.publish:
        return
    panel = st.expander("Publish this view (page, embed code, PNG/SVG/PDF)", key=PUBLISH_WIDGET, on_change="rerun")
    if not panel.open:
        return
    with panel:
        defaults = default_texts(geo, view, day)
        with st.form("publish_form"):
            title = st.text_input("Title", defaults.title, max_chars=TEXT_LIMITS["title"])
            caption = st.text_area("Caption", defaults.caption, max_chars=TEXT_LIMITS["caption"], height=80)
            credit = st.text_input("Credit", defaults.credit, max_chars=TEXT_LIMITS["credit"])
            alt = st.text_area("Alt text (for readers who cannot see the map)", defaults.alt,
                               max_chars=TEXT_LIMITS["alt"], height=120)
            submitted = st.form_submit_button("Publish", type="primary")
        if not submitted:
            st.caption("A published view is frozen: it does not change when the story or the data do.")
            return
        try:
            texts = SnapshotTexts(title=title, caption=caption, credit=credit, alt=alt)
            with st.spinner("Drawing the page and the images…"):
                snapshot, created = publish_view(snapshot_store(settings), settings, geo, view, day, texts)
        except (PublishError, ValueError) as error:
            st.error(for_markdown(f"Not published: {error}"))
            return
        links = SnapshotLinks(_base_url(settings), snapshot.id)
        st.success("Published." if created else "This view was published before: here it is.")
        st.markdown(f"**Page:** [{links.page}]({links.page})  \n"
                    f"**Images:** [PNG]({links.file('map.png')}) · [PNG for print]({links.file('map.png')}?scale=2) · "
                    f"[SVG]({links.file('map.svg')}) · [PDF]({links.file('map.pdf')})")
        st.caption("Embed code (paste it into the story's HTML):")
        st.code(embed_code(links.base, snapshot.id, texts.title), language="html")
