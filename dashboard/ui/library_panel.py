"""Sidebar panel: choose an article, add one (paste, upload, URL), remove a stored one."""
from __future__ import annotations

import streamlit as st

from dashboard.config import Settings
from dashboard.core.article import Article
from dashboard.core.escape import for_markdown
from dashboard.core.intake import (
    ArticleFields,
    IntakeError,
    article_from_upload,
    build_article,
)
from dashboard.services.fetch import fetch_page
from dashboard.services.library import ArticleLibrary, LibraryError
from dashboard.ui import state

ARTICLE_WIDGET = "article_choice"


def _on_article_choice() -> None:
    state.select_article(st.session_state[ARTICLE_WIDGET])


def render_article_choice(articles: dict[str, Article], current: str) -> None:
    """A selector of every article (bundled, folder, stored)."""
    if st.session_state.get(ARTICLE_WIDGET) not in articles or st.session_state[ARTICLE_WIDGET] != current:
        st.session_state[ARTICLE_WIDGET] = current
    st.selectbox(
        "Article",
        options=list(articles),
        format_func=lambda article_id: articles[article_id].title,
        key=ARTICLE_WIDGET,
        on_change=_on_article_choice,
    )


def _fields(prefix: str) -> ArticleFields:
    columns = st.columns(2)
    return ArticleFields(
        title=columns[0].text_input("Title", key=f"{prefix}_title", max_chars=200),
        outlet=columns[1].text_input("Outlet", key=f"{prefix}_outlet", max_chars=120),
        date=columns[0].text_input("Date (YYYY-MM-DD)", key=f"{prefix}_date", max_chars=10),
        url=columns[1].text_input("Original URL", key=f"{prefix}_url", max_chars=500),
    )


def _store(library: ArticleLibrary, make) -> None:
    try:
        article = make()
        created = library.save(article)
    except (IntakeError, LibraryError) as err:
        st.error(for_markdown(str(err)))  # quotes outside text: a field, a file name, a content type
        return
    if created:
        st.toast(f"Added “{for_markdown(article.title)}”.")
    else:
        st.toast("This article is already in the library; it was not added again.")
    state.show_article_next(article.id)
    st.rerun()


def render_add_article(settings: Settings, library: ArticleLibrary) -> None:
    """Paste, upload or fetch an article; it is stored, selected and mapped."""
    paste, upload, fetch = st.tabs(["Paste", "Upload", "From a URL"])
    with paste, st.form("add_paste", clear_on_submit=False):
        text = st.text_area("Article text", height=180, max_chars=5_000_000)
        fields = _fields("paste")
        if st.form_submit_button("Add and map"):
            _store(library, lambda: build_article(text, fields))
    with upload, st.form("add_upload"):
        file = st.file_uploader("A .txt, .md or .html file", type=["txt", "md", "html", "htm"])
        fields = _fields("upload")
        if st.form_submit_button("Add and map"):
            if file is None:
                st.error("Choose a file first.")
            else:
                _store(library, lambda: article_from_upload(file.name, file.getvalue(), fields))
    with fetch:
        if settings.offline:
            st.info("Fetching from a URL is disabled: the dashboard runs offline (DASHBOARD_OFFLINE=1).")
        else:
            with st.form("add_url"):
                url = st.text_input("Address of the article", max_chars=500)
                fields = _fields("url")
                if st.form_submit_button("Fetch, add and map"):
                    def make() -> Article:
                        body, kind = fetch_page(url.strip(), settings)
                        name = "page.html" if "html" in kind else "page.txt"
                        return article_from_upload(name, body, ArticleFields(fields.title, fields.outlet, fields.date, fields.url or url.strip()))
                    _store(library, make)


def render_remove(library: ArticleLibrary, article: Article, stored: bool) -> None:
    """A remove button for a stored article (bundled and folder articles are read-only)."""
    if not stored:
        return
    if st.button("Remove this article from the library", type="secondary"):
        try:
            library.remove(article.id)
        except LibraryError as err:
            st.error(for_markdown(str(err)))
            return
        state.show_article_next(None)
        st.rerun()
