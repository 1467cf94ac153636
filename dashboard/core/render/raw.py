"""Folium elements of our own whose rendered script is placed in the page as it is.

branca wraps every rendered script in a new ``Element``, which compiles it as a Jinja template:
for a script carrying a FeatureCollection that is most of the cost of drawing a map (and it is
why text with ``{{`` once ran on the server). Our scripts are complete when rendered, so they skip
that second pass. Folium's own elements keep branca's behaviour.
"""
from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement


class _RenderedScript(Element):
    """A script that is already rendered: ``render()`` returns it unchanged."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RenderedScript"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The script's text."""
        return self.text


class RawScriptElement(MacroElement):
    """A MacroElement whose ``script`` macro output goes into the page without a Jinja pass."""

    def render(self, **kwargs: Any) -> None:
        """Add this element's script (and its children's) to the page's scripts."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a Figure")
        script = self._template.module.__dict__.get("script")
        if script is not None:
            figure.script.add_child(_RenderedScript(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
