"""Sidebar panels: choose an article, add one (paste, upload, URL), remove stored ones."""
from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from dashboard.config import Settings
from dashboard.core import format as fmt
from dashboard.core.escape import for_markdown
from dashboard.core.geoparse.article import Article
from dashboard.core.geoparse.intake import (
    ArticleFields,
    IntakeError,
    article_from_text,
    article_from_upload,
    size_limit_text,
)
from dashboard.services.fetch import fetch_page
from dashboard.services.library import ArticleLibrary, LibraryError
from dashboard.ui import data, state

ARTICLE_WIDGET = "article_choice"
FLASH_KEY = "library_flash"
#: How long the outcome of an add or a remove stays on screen (s): the map reports its first view
#: a moment after an article is shown, and the rerun that causes would otherwise wipe the message.
FLASH_SECONDS = 20.0
UPLOAD_TYPES = ["txt", "md", "html", "htm"]


def _on_article_choice() -> None:
    state.select_article(st.session_state[ARTICLE_WIDGET])


def article_labels(articles: dict[str, Article], stored: frozenset[str], added: dict[str, str]) -> dict[str, str]:
    """What the selector shows per article: its title, and for titles that several articles
    share, the outlet, date and (for stored ones) the day it was added, so they can be told apart."""
    counts: dict[str, int] = {}
    for article in articles.values():
        counts[article.title] = counts.get(article.title, 0) + 1
    labels = {}
    for article_id, article in articles.items():
        label = article.title
        if counts[article.title] > 1:
            extra = [article.outlet, fmt.day(article.date) if article.date else ""]
            extra.append(f"added {added[article_id]}" if article_id in added else ("" if article_id in stored else "bundled"))
            label += " (" + " · ".join(part for part in extra if part) + ")"
        labels[article_id] = label
    return labels


def render_article_choice(articles: dict[str, Article], current: str, stored: frozenset[str] = frozenset(),
                          added: dict[str, str] | None = None) -> None:
    """A selector of every article (bundled, folder, stored)."""
    labels = article_labels(articles, stored, added or {})
    state.seed_widget(ARTICLE_WIDGET, current)
    st.selectbox(
        "Article",
        options=list(articles),
        format_func=labels.__getitem__,
        key=ARTICLE_WIDGET,
        on_change=_on_article_choice,
    )


def render_library_flash() -> str | None:
    """Show what the last add or remove did (for ``FLASH_SECONDS``). Returns the id of an article
    that the previous run added (once, on the run that shows it), else None."""
    return _show_flash()


def render_add_article(settings: Settings, library: ArticleLibrary) -> None:
    """Paste, upload or fetch an article; it is stored, placed (with its progress shown) and mapped.

    Errors are shown in the panel; what the reader typed stays in the form.
    """
    if not library.writable:
        why = "is read-only" if library.available else "is unavailable"
        st.info(f"Articles cannot be added now: the article library {why} (see the notice above).")
        return
    st.caption(f"Text, Markdown or HTML up to {size_limit_text()}. The same text is stored only once.")
    paste, upload, fetch = st.tabs(["Paste", "Upload", "From a URL"])
    with paste, st.form("add_paste", clear_on_submit=False):
        text = st.text_area("Article text", height=180, max_chars=5_000_000)
        fields = _fields("paste")
        if st.form_submit_button("Add and map"):
            _store(library, lambda: article_from_text(text, fields))
    with upload, st.form("add_upload"):
        file = st.file_uploader("A .txt, .md or .html file", type=UPLOAD_TYPES)
        fields = _fields("upload")
        if st.form_submit_button("Add and map"):
            if file is None:
                st.error("Choose a file first.")
            else:
                _store(library, lambda: article_from_upload(file.name, file.getvalue(), fields))
    with fetch:
        if settings.offline:
            st.info("Fetching from a URL is disabled: the dashboard runs offline (DASHBOARD_OFFLINE=1). "
                    "Save the page and upload it instead.")
        else:
            with st.form("add_url"):
                url = st.text_input("Address of the article", max_chars=2000)
                fields = _fields("url")
                if st.form_submit_button("Fetch, add and map"):
                    _store(library, lambda: _fetched(url.strip(), fields, settings))


def render_remove(library: ArticleLibrary, article: Article, stored: bool) -> None:
    """A remove button, with a confirmation, for a stored article (bundled and folder articles
    are read-only and get none)."""
    if stored and library.writable:
        _remove_button(library, article.id, article.title, current=article.id, key="remove_current",
                       label="Remove this article…")


def render_library_manager(library: ArticleLibrary, current: str | None = None) -> None:
    """Every stored article with its size and a remove button (with a confirmation)."""
    entries = library.entries()
    if not entries:
        st.caption("No articles added yet. Bundled articles cannot be removed.")
        return
    for entry in entries:
        left, right = st.columns([3, 1], vertical_alignment="center")
        size = f"{entry.chars / 1000:,.0f}k characters" if entry.chars >= 1000 else f"{entry.chars} characters"
        left.caption(for_markdown(f"{entry.title} · {entry.outlet + ' · ' if entry.outlet else ''}{size}"))
        with right:
            if library.writable:
                _remove_button(library, entry.id, entry.title, current=current, key=f"remove_{entry.id}")


# -- internals ---------------------------------------------------------------------------------


def _fields(prefix: str) -> ArticleFields:
    columns = st.columns(2)
    return ArticleFields(
        title=columns[0].text_input("Title", key=f"{prefix}_title", max_chars=200),
        outlet=columns[1].text_input("Outlet", key=f"{prefix}_outlet", max_chars=200),
        date=columns[0].text_input("Date (YYYY-MM-DD)", key=f"{prefix}_date", max_chars=10),
        url=columns[1].text_input("Original URL", key=f"{prefix}_url", max_chars=2000),
    )


def _fetched(url: str, fields: ArticleFields, settings: Settings) -> Article:
    body, kind = fetch_page(url, settings)
    name = "page.html" if "html" in kind else "page.md" if kind == "text/markdown" else "page.txt"
    typed = ArticleFields(fields.title, fields.outlet, fields.date, fields.url or url)
    return article_from_upload(name, body, typed, url=url)


def _store(library: ArticleLibrary, make: Callable[[], Article]) -> None:
    """Read, store and place the article with its progress shown, then show it (a rerun)."""
    with st.status("Mapping your article…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading the text…")
        try:
            article = make()
            bar.progress(0.15, text=f"Saving it to the library ({fmt.count(len(article.text))} characters)…")
            stored, created = library.add(article)
        except (IntakeError, LibraryError) as err:
            status.update(label="The article could not be added", state="error")
            st.error(for_markdown(str(err)))  # quotes outside text: a field, a file name, a content type
            return
        data.forget_library_listing()
        bar.progress(0.3, text="Finding the places it names and placing them with the gazetteer…")
        data.gazetteer_geography(stored.id)  # done here, with the reader watching, and kept for the map
        bar.progress(1.0, text="Drawing the map…")
        status.update(label="Mapped: showing it now", state="complete")
    title = for_markdown(stored.title)
    if created:
        _flash("added", f"Added “{title}” to the library.", stored.id)
    else:
        _flash("known", f"This text is already in the library as “{title}”; no copy was added.", None)
    state.show_article_next(stored.id)
    st.rerun()


def _flash(kind: str, message: str, article_id: str | None) -> None:
    st.session_state[FLASH_KEY] = (kind, message, article_id, time.monotonic(), False)


def _show_flash() -> str | None:
    """Show the outcome of the last add or remove for ``FLASH_SECONDS``; return the added
    article's id on the first run that shows it."""
    slot = st.empty()  # always drawn: the form below keeps its place (its open tab) when the message goes
    flash = st.session_state.get(FLASH_KEY)
    if flash is None:
        return None
    kind, message, article_id, since, shown = flash
    if time.monotonic() - since > FLASH_SECONDS:
        del st.session_state[FLASH_KEY]
        return None
    (slot.info if kind == "known" else slot.success)(message)
    st.session_state[FLASH_KEY] = (kind, message, article_id, since, True)
    return None if shown else article_id


def _remove_button(
    library: ArticleLibrary, article_id: str, title: str, current: str | None, key: str, label: str = "Remove…"
) -> None:
    with st.popover(label, help="Remove this article from the library"):
        st.caption(for_markdown(f"Remove “{title}” from the library? Links to it will stop working."))
        if st.button("Yes, remove it", type="primary", key=key):
            try:
                library.remove(article_id)
            except LibraryError as err:
                st.error(for_markdown(str(err)))
                return
            data.forget_library_listing()
            _flash("removed", f"Removed “{for_markdown(title)}” from the library.", None)
            if article_id == current:
                state.show_article_next(None)
            st.rerun()
