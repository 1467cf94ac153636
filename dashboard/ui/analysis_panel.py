"""Below the map: distances, the timeline, each topic's comparison and the exports."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.core import format as fmt
from dashboard.core.escape import for_markdown
from dashboard.core.geography import ArticleGeography
from dashboard.core.render.export import EXPORT_FORMATS, render_export
from dashboard.core.topics.compare import compare, comparison_frame
from dashboard.core.topics.distances import distance_rows
from dashboard.core.topics.timeline import STATUS_COLOURS, events_until, status_spans
from dashboard.core.view.state import ViewState
from dashboard.services.static_assets import inline_assets
from dashboard.ui import data
from dashboard.ui.reader import source_line
from dashboard.ui.tables import markdown_table

def render_distances(geo: ArticleGeography) -> None:
    """Geodesic distances and initial bearings: each site to its topic's reference point, then
    between the sites."""
    shown = False
    for topic in geo.topics:
        reference = topic.reference_point(topic.lines.to) if topic.lines else None
        sites = [s for s in geo.sites if s.topic == topic.id]
        if reference is None or not sites:
            continue
        rows = distance_rows(sites, reference)
        frame = pd.DataFrame([{"from": r.from_name, "to": r.to_name, "distance": fmt.km(r.km),
                               "initial bearing": fmt.bearing(r.bearing_deg)} for r in rows])
        st.caption(f"{for_markdown(topic.title)}: WGS-84 geodesic distances (geopy). {for_markdown(reference.name)}: "
                   f"{fmt.degrees(reference.lat, reference.lon)} ({'; '.join(source_line(s) for s in reference.sources)}).")
        st.markdown(markdown_table(frame))
        shown = True
    if not shown:
        st.caption("This article refers to no curated site with a reference point. Use the ruler on the map "
                   "to measure your own distances.")


def timeline_chart(spans: pd.DataFrame, events: pd.DataFrame, day: dt.date) -> alt.LayerChart:
    """Status spans as bars and events as points, one row per site with its full name, the
    legend below the chart in two columns, and a dashed rule on ``day``."""
    colour = alt.Color("status:N", title="Status", scale=alt.Scale(domain=list(STATUS_COLOURS),
                       range=list(STATUS_COLOURS.values())),
                       legend=alt.Legend(orient="bottom", columns=4, labelLimit=200))
    y = alt.Y("site:N", title=None, sort=None, axis=alt.Axis(labelLimit=400))
    bars = alt.Chart(spans).mark_bar(height=12, opacity=0.85).encode(
        x=alt.X("start:T", title=None), x2="end:T", y=y, color=colour,
        tooltip=["site:N", "status:N", alt.Tooltip("start:T", format="%-d %b %Y"), "summary:N"],
    )
    points = alt.Chart(events).mark_point(shape="diamond", size=80, filled=True, stroke="#1a1a1a").encode(
        x="date:T", y=y, color=colour,
        tooltip=["site:N", "status:N", alt.Tooltip("when:N", title="date"), "summary:N"],
    )
    rule = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]})).mark_rule(color="black", strokeDash=[4, 3]).encode(x="day:T")
    rows = max(1, len(set(spans.get("site", ())) | set(events.get("site", ()))))
    # fit-x: Streamlit's default ("fit") squeezes the rows and the legend into the height, and
    # Vega-Lite then hides every other site's name as overlapping
    return (bars + points + rule).properties(height=28 * rows + 20, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def render_timeline(geo: ArticleGeography, day: dt.date) -> None:
    """Each site's status over the years and the dated events up to ``day``."""
    if not geo.events:
        st.caption("No dated events for this article's sites.")
        return
    names = {site.id: site.name for topic in geo.topics for site in topic.sites}
    spans = status_spans(geo.events, until=max(day, dt.date.today()))
    spans["site"] = spans["site_id"].map(lambda site_id: names.get(site_id, site_id))
    events = pd.DataFrame([{"site": names.get(e.site_id, e.site_id), "status": e.status, "date": pd.Timestamp(e.date),
                            "when": fmt.day_with_precision(e.date, e.date_precision), "summary": e.summary}
                           for e in geo.events])
    st.altair_chart(timeline_chart(spans, events, day), width="stretch")
    st.caption(f"Bars: each site's standing status; diamonds: events. Events up to {fmt.day(day)} "
               "(the dashed line), newest first:")
    for event in reversed(events_until(geo.events, day)):
        sources = "; ".join(source_line(s) for s in event.sources)
        st.markdown(
            f"- **{for_markdown(fmt.day_with_precision(event.date, event.date_precision))}** · "
            f"{for_markdown(names.get(event.site_id, event.site_id))} · {for_markdown(event.status)}: "
            f"{for_markdown(event.summary)} ({sources})"
            + (f"  \n  _{for_markdown(event.note)}_" if event.note else "")
        )


def render_comparisons(geo: ArticleGeography, day: dt.date) -> None:
    """Each attached topic's two sides on ``day``: a table (wrapped, never wider than the page)
    and what the article has each side say."""
    shown = False
    for topic in geo.topics:
        comparison = compare(geo, topic, day)
        if comparison is None:
            continue
        shown = True
        st.subheader(for_markdown(comparison.title))
        st.markdown(markdown_table(comparison_frame(comparison)))
        columns = st.columns(len(comparison.sides))
        for column, side in zip(columns, comparison.sides):
            with column:
                st.markdown(f"**What the article has the {for_markdown(side.label)} side say**")
                if not side.statements:
                    st.caption("The article quotes no one from this side.")
                for statement in side.statements:
                    kind = "quote" if statement.kind == "quote" else "reported"
                    st.caption(f"{for_markdown(statement.speaker)} ({for_markdown(statement.speaker_role)}), {kind}")
                    st.text(statement.text)
    if not shown:
        st.caption("This article's topics compare no proposals side by side.")


def render_exports(geo: ArticleGeography, view: ViewState, day: dt.date) -> None:
    """Download buttons: the map as shown (standalone HTML), GeoJSON and CSV."""
    st.caption("Each file carries the sources of its coordinates, ranges and dates. The HTML map is the map "
               "shown here (same filters, layers, date, legend and marker cap) and works offline.")
    labels = {"html": ("text/html", "Map (HTML, works offline)"), "geojson": ("application/geo+json", "GeoJSON"),
              "csv": ("text/csv", "CSV")}
    for column, fmt_name in zip(st.columns(len(EXPORT_FORMATS)), EXPORT_FORMATS):
        mime, label = labels[fmt_name]
        with column:
            st.download_button(
                label,
                data=lambda fmt_name=fmt_name: render_export(
                    fmt_name, geo, view, day, outlines=data.outlines(),
                    assets=inline_assets() if fmt_name == "html" else None,
                ),
                file_name=f"{geo.article.id}.{fmt_name}",
                mime=mime,
                on_click="ignore",
                key=f"export_{fmt_name}",
            )
