import datetime
from typing import NamedTuple, Optional

class Duration(NamedTuple):
    months: int = 0
    days: int = 0
    seconds: int = 0
    nanoseconds: int = 0
    def to_timedelta(self) -> datetime.timedelta: ...
    @classmethod
    def from_timedelta(cls, delta: datetime.timedelta) -> Duration: ...

class Point(NamedTuple):
    crs: str  # 'cartesian', 'cartesian-3d', 'wgs-84' or 'wgs-84-3d'
    x: float
    y: float
    z: Optional[float] = None
