from typing import Any, Mapping, Optional

from . import _native

class Writer(_native.Writer):
    def add_vertices(self, label: str, keys: Any, columns: Optional[Mapping[str, Any]] = None) -> None: ...
    def add_edges(self, type: str, sources: Any, targets: Any, properties: Optional[Mapping[str, Any]] = None) -> None: ...
