import os
from typing import Any, Callable, Literal, Mapping, Optional, Sequence, Union

from ._native import Attribute as Attribute, Dataset as Dataset, File as File, SchemaEntry as SchemaEntry
from ._native import Section as Section, Vertex as Vertex
from ._temporal import Duration as Duration, Point as Point
from ._writing import ShardWriter as ShardWriter, Writer as Writer
from ._writing import out_edge_ordinals as out_edge_ordinals, shards_of as shards_of
from .errors import (
    ClosedError as ClosedError,
    DamagedFileError as DamagedFileError,
    Error as Error,
    FileSystemError as FileSystemError,
    InputError as InputError,
    LimitError as LimitError,
    MisuseError as MisuseError,
    ShardNotMapped as ShardNotMapped,
)
from ._native import shard_of as shard_of, dataset_id_of as dataset_id_of, seal_shard as seal_shard

PathLike = Union[str, os.PathLike]

def open(path: Union[PathLike, Sequence[PathLike]], *, verify: bool = False,
         shards: Optional[Sequence[int]] = None) -> Union[File, Dataset]: ...
VertexTable = Union[str, tuple[str, ...]]  # a label, or the labels every row of the table carries

def write(path: PathLike, vertices: Optional[Mapping[VertexTable, Any]] = None, edges: Optional[Mapping[str, Any]] = None, *,
          key: str = "key", source: str = "source", target: str = "target",
          types: Optional[Mapping[VertexTable, Mapping[str, Any]]] = None,
          spaces: Optional[Mapping[VertexTable, str]] = None,
          endpoint_spaces: Optional[Mapping[str, tuple[Optional[str], Optional[str]]]] = None, **options: Any) -> dict[str, Any]: ...
def from_networkx(graph: Any, path: PathLike, *, label: str = "vertex", edge_type: str = "edge",
                  label_attribute: str = "label", type_attribute: str = "type",
                  types: Optional[Mapping[str, Mapping[str, Any]]] = None, **options: Any) -> dict[str, Any]: ...
def import_csv(path: PathLike, nodes: Union[PathLike, Sequence[PathLike], None] = None,
               edges: Union[PathLike, Sequence[PathLike], None] = None, *,
               edgelists: Union[PathLike, Sequence[PathLike], None] = None, threads: int = 0, shards: int = 1,
               delimiter: str = ",", array_delimiter: str = ";", skip_bad_rows: bool = False,
               id_type: Optional[Literal["string", "integer"]] = None, temp_dir: Optional[PathLike] = None,
               progress: Union[Callable[[dict[str, Any]], Any], Literal[False], None] = None) -> dict[str, Any]: ...
