"""Beside the map: what is selected (a site or a place: what it is, where its coordinates come
from, and the article's sentences about it), then the article itself with every place mention
highlighted. Clicking a mention selects that place; selecting a marker highlights and scrolls to
its mentions."""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.core import format as fmt
from dashboard.core.escape import for_markdown
from dashboard.core.geography import ArticleGeography, PlaceGroup
from dashboard.core.geoparse.excerpts import (
    Excerpt,
    excerpts_for_place,
    excerpts_for_site,
    split_highlight,
)
from dashboard.core.reading import Mark, paragraph_runs
from dashboard.core.render.compose import roles_of
from dashboard.core.topics.model import TIER_LABELS, Site, Source
from dashboard.ui import state

#: Readers see at least this much of the article without scrolling the page (px).
TEXT_HEIGHT = 420
PLACE_COLOUR = "#6F6F6F"

_ARTICLE_JS = """
export default function (component) {
    const { data, parentElement, setTriggerValue } = component;
    let box = parentElement.querySelector(".article-text");
    if (!box) {
        box = document.createElement("div");
        box.className = "article-text";
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "The article, with the places it names highlighted");
        // one listener for every mention: marks survive reruns, and a choice goes to this render's trigger
        const choose = function (event) {
            const mark = event.target.closest(".mention");
            if (!mark || (event.type === "keydown" && event.key !== "Enter" && event.key !== " ")) { return; }
            event.preventDefault();
            box.__trigger("select", mark.dataset.key);
        };
        box.addEventListener("click", choose);
        box.addEventListener("keydown", choose);
        parentElement.appendChild(box);
    }
    box.__trigger = setTriggerValue;
    box.style.maxHeight = data.height + "px";
    // Rebuilt only when the text or its marks change: a rerun for anything else keeps the reader's
    // scroll position and keyboard focus.
    const signature = JSON.stringify(data.paragraphs);
    if (box.__signature !== signature) {
        box.__signature = signature;
        box.__scrolledTo = undefined;
        box.replaceChildren();
        data.paragraphs.forEach(function (paragraph) {
            const p = document.createElement("p");
            paragraph.forEach(function (run) {
                if (!run.key) { p.appendChild(document.createTextNode(run.text)); return; }
                const mark = document.createElement("mark");
                mark.textContent = run.text;
                mark.className = "mention mention-" + run.kind;
                mark.style.setProperty("--mention-colour", run.colour);
                mark.tabIndex = 0;
                mark.setAttribute("role", "button");
                mark.setAttribute("aria-label", run.text + ": select " + run.name + " on the map");
                mark.dataset.key = run.key;
                p.appendChild(mark);
            });
            box.appendChild(p);
        });
    }
    let first = null;
    box.querySelectorAll(".mention").forEach(function (mark) {
        const selected = mark.dataset.key === data.selected;
        mark.classList.toggle("selected", selected);
        if (selected) { mark.setAttribute("aria-current", "true"); } else { mark.removeAttribute("aria-current"); }
        if (selected && first === null) { first = mark; }
    });
    // scrolled to a selection once, when it is made: not again on every rerun
    if (first !== null && box.__scrolledTo !== data.selected) {
        box.scrollTop = Math.max(0, first.offsetTop - box.offsetTop - 48);
    }
    box.__scrolledTo = data.selected;
}
"""

_ARTICLE_CSS = """
.article-text { overflow-y: auto; padding: 0 12px 0 0; font-size: 0.95rem; line-height: 1.55; color: inherit; }
.article-text p { margin: 0 0 0.8em; }
.article-text:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
.mention { background: color-mix(in srgb, var(--mention-colour) 18%, white); color: #1a1a1a;
           border-bottom: 2px solid var(--mention-colour); border-radius: 2px; padding: 0 1px; cursor: pointer; }
.mention.selected { background: #ffd84d; border-bottom: 3px solid #1a1a1a; font-weight: 600; }
.mention:focus-visible { outline: 2px solid #1a1a1a; outline-offset: 1px; }
"""

_article_text = st.components.v2.component("article_text", js=_ARTICLE_JS, css=_ARTICLE_CSS)


def _runs(geo: ArticleGeography, visible_sites: Sequence[Site], places: Sequence[PlaceGroup]) -> list[list[dict]]:
    """The article's paragraphs as runs of text, each mention a run with its key and colour
    (shared by every rerun and session that shows the same marks: a 2 MB paste takes ~1 s)."""
    placed = (len(geo.places), sum(1 for place in geo.places if place.placed))  # the online tier adds some
    return _cached_runs(geo, geo.article.id, placed, tuple(site.id for site in visible_sites), tuple(g.key for g in places))


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_runs(_geo: ArticleGeography, article_id: str, placed: tuple[int, int], site_ids: tuple[str, ...],
                 place_keys: tuple[str, ...]) -> list[list[dict]]:
    geo = _geo
    shown = {site.id: site for site in geo.sites if site.id in site_ids}
    keys = set(place_keys)
    places = [group for group in geo.other_places if group.key in keys]
    roles = roles_of(geo)
    marks = [Mark(mention.start, mention.end, site.id, roles[site.role].colour, "site", site.name)
             for mention in geo.site_mentions if (site := shown.get(mention.site_id)) is not None]
    marks += [Mark(place.start, place.end, group.key, PLACE_COLOUR, "place", group.name)
              for group in places for place in group.mentions]
    return paragraph_runs(geo.article.text, geo.sentences, marks)


def render_article_text(geo: ArticleGeography, visible_sites: Sequence[Site], places: Sequence[PlaceGroup], selected: str | None) -> None:
    """The article with its mentions highlighted; clicking one selects it (and pans the map)."""
    result = _article_text(
        key="article_text",
        data={"paragraphs": _runs(geo, visible_sites, places), "selected": selected or "", "height": TEXT_HEIGHT},
        on_select_change=lambda: _on_mention(),
    )
    del result


def _on_mention() -> None:
    chosen = (st.session_state.get("article_text") or {}).get("select")
    if chosen:
        state.select(chosen)


def render_excerpt(excerpt: Excerpt) -> None:
    """One sentence with its referring phrases highlighted (escaped Markdown, no HTML)."""
    pieces = []
    for text, highlighted in split_highlight(excerpt.sentence.text, excerpt.spans):
        escaped = for_markdown(text)
        pieces.append(f":orange-background[**{escaped}**]" if highlighted else escaped)
    label = f"Mention {excerpt.ordinal} of {excerpt.total}"
    if excerpt.attribution:
        kind = "quote" if excerpt.attribution.kind == "quote" else "reported speech"
        label += f" · {kind}: {for_markdown(excerpt.attribution.speaker)}"
    if excerpt.link == "inferred":
        label += " · refers to the site indirectly"
    with st.container(border=True):
        st.caption(label)
        st.markdown("".join(pieces))


def source_line(source: Source) -> str:
    """``[Publisher, title (date)](url) · T1, primary`` as escaped Markdown."""
    name = for_markdown(source.label)
    tier = f"{source.tier}, {TIER_LABELS[source.tier]}"
    linked = f"[{name}]({source.url})" if source.url else f"{name} ({for_markdown(source.note or 'no URL')})"
    return f"{linked} · {for_markdown(tier)}"


def _render_site(geo: ArticleGeography, site: Site) -> tuple[Excerpt, ...]:
    roles = roles_of(geo)
    topic = geo.topic_of(site)
    category = next((c.label for c in topic.categories if c.id == site.category), site.category) if topic else site.category
    st.markdown(
        f"**{for_markdown(site.name)}**  \n"
        f"{for_markdown(roles[site.role].label)} · {for_markdown(category)} · {for_markdown(site.country)}  \n"
        f"{fmt.degrees(site.lat, site.lon)} (± {fmt.km(site.precision_km)})"
    )
    return excerpts_for_site(site.id, geo.sentences, geo.site_mentions)


def _render_place(geo: ArticleGeography, group: PlaceGroup) -> tuple[Excerpt, ...]:
    place = group.place
    words = ", ".join(f"“{w}”" for w in group.words)
    times = "once" if group.count == 1 else f"{fmt.count(group.count)} times"
    where = {"gazetteer": "the embedded GeoNames gazetteer", "nominatim": "Nominatim (OpenStreetMap)",
             "cache": "the geocode cache"}.get(place.source, place.source)
    precision = f" (± {fmt.km(place.precision_km)})" if place.precision_km else ""
    st.markdown(
        f"**{for_markdown(group.name)}**  \n"
        f"Named {times} in the article, as {for_markdown(words)}  \n"
        f"{fmt.degrees(group.lat, group.lon)}{precision} · from {for_markdown(where)}, "
        f"confidence {group.confidence:.2f}" + ("" if group.confident else " (uncertain)")
    )
    if place.geonameid:
        st.caption(f"[GeoNames {place.geonameid}](https://www.geonames.org/{place.geonameid}) · "
                   f"{for_markdown(place.feature)}")
    st.button("Remove from map", key="remove_place", icon=":material/wrong_location:", on_click=state.remove_place,
              args=(group.key,), help="A wrong pin? Take it off the map, the link and every export (undo below the map).")
    return excerpts_for_place(group.key, geo.sentences, group.mentions)


def render_selection(geo: ArticleGeography, selected: str | None, hidden: Sequence[str] = ()) -> None:
    """What the selected site or place is and what the article says about it (a place an editor
    removed from the map is not selected)."""
    site = geo.site(selected) if selected else None
    group = geo.place_group(selected) if selected and site is None and selected not in hidden else None
    if site is None and group is None:
        st.info("Click a marker or a highlighted place in the text to read what the article says about it.")
        return
    excerpts = _render_site(geo, site) if site else _render_place(geo, group)
    if not excerpts:
        st.write("The article does not refer to it in any sentence.")
    for excerpt in excerpts:
        render_excerpt(excerpt)
    if site is not None:
        st.caption("Where the coordinates come from: " + "; ".join(source_line(s) for s in site.sources))
        if site.note:
            st.caption(for_markdown(site.note))


def render_removed_places(geo: ArticleGeography, hidden: Sequence[str]) -> None:
    """The places an editor removed from the map, each with an undo (below the map)."""
    removed = [group for key in hidden if (group := geo.place_group(key)) is not None]
    if not removed:
        return
    with st.container(key="removed_places"):
        st.caption(f"Removed from the map ({len(removed)}), and from the link's map and every export:")
        for group in removed:
            st.button(f"Undo: {for_markdown(group.name)}", key=f"undo_{group.key}", icon=":material/undo:",
                      on_click=state.restore_place, args=(group.key,), help="Put this place back on the map")
