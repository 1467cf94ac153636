"""Below the map: distances, the timeline, the proposals side by side and the exports."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.core.escape import for_markdown
from dashboard.core.geography import ArticleGeography
from dashboard.core.render.export import render_export
from dashboard.core.render.overlays import TEHRAN, distance_rows
from dashboard.core.topics.compare import compare_proposals, comparison_frame
from dashboard.core.topics.sites import Site
from dashboard.core.topics.timeline import events_until, status_spans
from dashboard.core.view.state import ViewState
from dashboard.services.static_assets import inline_assets
from dashboard.ui import data


def render_distances(sites: tuple[Site, ...]) -> None:
    """Geodesic distances and initial bearings: each site to Tehran, then between sites."""
    rows = distance_rows(sites)
    frame = pd.DataFrame(
        [
            {"from": r.from_name, "to": r.to_name, "km": round(r.km), "initial bearing (°)": round(r.bearing_deg)}
            for r in rows
        ]
    )
    st.caption(
        f"WGS-84 geodesic distances (geopy). Tehran: {TEHRAN.lat:.4f}, {TEHRAN.lon:.4f} "
        f"([GeoNames]({TEHRAN.source_url})). Use the ruler on the map to measure your own."
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def render_timeline(geo: ArticleGeography, day: dt.date) -> None:
    """Each site's status over the years (Altair) and the dated events up to ``day``."""
    events = data.events()
    names = {site.id: site.name for site in data.library().sites}
    spans = status_spans(events, until=max(day, dt.date.today()))
    spans["site"] = spans["site_id"].map(lambda site_id: names.get(site_id, site_id))
    chart = (
        alt.Chart(spans)
        .mark_bar(height=14)
        .encode(
            x=alt.X("start:T", title=None),
            x2="end:T",
            y=alt.Y("site:N", title=None, sort=None),
            color=alt.Color("status:N", scale=alt.Scale(scheme="tableau10"), title="Status"),
            tooltip=["site:N", "status:N", alt.Tooltip("start:T", format="%d %b %Y"), "summary:N"],
        )
    )
    rule = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]})).mark_rule(color="black", strokeDash=[4, 3]).encode(x="day:T")
    st.altair_chart(chart + rule, width="stretch")
    st.caption(f"Events up to {day:%d %B %Y} (the dashed line), newest first:")
    for event in reversed(events_until(events, day)):
        st.markdown(
            f"- **{for_markdown(event.when)}** · {for_markdown(names.get(event.site_id, event.site_id))} · "
            f"{for_markdown(event.status)}: {for_markdown(event.summary)} "
            f"([source]({event.source_urls[0]}))"
            + (f"  \n  _{for_markdown(event.note)}_" if event.note else "")
        )


def render_comparison(geo: ArticleGeography, day: dt.date) -> None:
    """The US plan and the Russian proposal side by side on ``day``."""
    comparison = compare_proposals(geo, data.ranges(), data.events(), day)
    st.dataframe(comparison_frame(comparison), hide_index=True, width="stretch")
    columns = st.columns(len(comparison.sides))
    for column, side in zip(columns, comparison.sides):
        with column:
            st.subheader(side.label)
            if not side.statements:
                st.caption("The article quotes no one from this side.")
            for statement in side.statements:
                kind = "quote" if statement.kind == "quote" else "reported"
                st.caption(f"{for_markdown(statement.speaker)} ({for_markdown(statement.speaker_role)}), {kind}")
                st.text(statement.text)


def render_exports(geo: ArticleGeography, view: ViewState) -> None:
    """Download buttons: a standalone HTML map, GeoJSON and CSV of what is shown."""
    ranges, events, stem = data.ranges(), data.events(), geo.article.id
    st.caption("Each file carries the sources of its coordinates, ranges and dates.")
    columns = st.columns(3)
    formats = (("html", "text/html", "Map (HTML, works offline)"), ("geojson", "application/geo+json", "GeoJSON"), ("csv", "text/csv", "CSV"))
    for column, (fmt, mime, label) in zip(columns, formats):
        with column:
            st.download_button(
                label,
                data=lambda fmt=fmt: render_export(
                    fmt, geo, view, outlines=data.outlines(), ranges=ranges, events=events,
                    assets=inline_assets() if fmt == "html" else None,
                ),
                file_name=f"{stem}.{fmt}",
                mime=mime,
                on_click="ignore",
                key=f"export_{fmt}",
            )
