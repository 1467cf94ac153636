"""The list of layer kinds (ids, labels, where they come from): the one list the sidebar, the URL
parser, the topic loader and the export's header read. A new kind of layer is added here; an
overlay kind is drawn by its module in ``dashboard/core/render/layerkinds/`` (this package imports
no render code). A topic offers the kinds it has data for in its ``topic.toml``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayerKind:
    """A kind of layer: ``on_map`` kinds can be switched in a link (``layers=``); ``from_topic``
    kinds exist only for articles with a topic that offers them."""

    id: str
    label: str
    on_map: bool
    from_topic: bool
    default_on: bool = False


LAYER_KINDS = (
    LayerKind("places", "Other places named in the article", on_map=True, from_topic=False, default_on=True),
    LayerKind("rings", "Range rings (approximate, public sources)", on_map=True, from_topic=True),
    LayerKind("lines", "Lines to the reference point, with distances", on_map=True, from_topic=True),
    LayerKind("timeline", "Status of the sites over time (date slider and timeline)", on_map=False, from_topic=True),
    # offered by every story whose other installations the article does not name
    LayerKind("story", "Show the whole story (its sites not named in this article)", on_map=True, from_topic=True),
)
#: Values of the ``layers`` query parameter, in their canonical order.
MAP_LAYER_IDS = tuple(kind.id for kind in LAYER_KINDS if kind.on_map)
#: Kinds a topic may offer in its ``[layers]`` table (``story`` is every story's, never declared).
TOPIC_LAYER_IDS = tuple(kind.id for kind in LAYER_KINDS if kind.from_topic and kind.id != "story")
DEFAULT_LAYERS = tuple(kind.id for kind in LAYER_KINDS if kind.on_map and kind.default_on)


def layer_kind(layer_id: str) -> LayerKind:
    """The kind with that id; raises KeyError for an unknown id."""
    for kind in LAYER_KINDS:
        if kind.id == layer_id:
            return kind
    raise KeyError(layer_id)
