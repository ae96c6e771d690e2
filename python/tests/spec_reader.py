"""An mmgraph decoder written from spec/FORMAT.md alone, to show that the spec suffices.

Not part of the mmgraph package and sharing no code with it: test_spec_reader.py compares what it
decodes with what the module (the C++ reader) reads. Every function is named after the structure
it decodes and cites its spec section. Values come back at the level of the spec (a date is its
day count, a datetime its UTC seconds, nanoseconds, offset and zone name), so that nothing is
lost before the comparison.

Index: byte access (§1, §12) - header (§2.2) - directory (§3) - strings (§4.1) - schema (§4.2)
- type codes (§4.3) - vertex table and references (§5) - node types, label sets, layouts (§6.3,
§6.6, §4.2) - values and records (§6.1-§6.4) - adjacency records (§7, §7.2) - runs sections
(§7.3) - key table and key index (§8.1) - edge property tables (§8.2) - ID spaces (§8.3) - files
and datasets (§10).

Four structures change with the minor version: keys are found through the key table since 2.3
(the key index, kind 9, before), whose slots hold a 32-bit fingerprint in kind 12 (2.3 to 2.5)
and since 2.6, as kind 15, a 12-bit one and the block of the vertex's node record; flat
adjacency records are packed in one run of their own in 2.3 and 2.4 (blocked before), and
since 2.5 hold only their directory and ordinals, their degree and entries lying in the runs
sections (§7.3) that every file since 2.5 has and no older one; and since 2.4 a file of int64
keys has each key in its vertex table too. Each is read through one dispatch point on the
file's version: `read_key_lookup` (with `key_section_kind`), `read_adjacency_record` (with
`read_runs_sections` for the sections it reads) and `read_vertex_table`; the thresholds are
KEY_TABLE_SINCE, NODE_BLOCKS_SINCE, PACKED_FLAT_RECORDS_SINCE, RUNS_SECTIONS_SINCE and
KEY_SLOT_SINCE.
"""

import ctypes
import mmap
import os
import re
import struct
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Optional

# --- byte access (§1: little-endian, unaligned; §12: every read bounds-checked) ----------------


class SpecError(ValueError):
    """A file this decoder cannot read: the message names the structure and the offset."""


class Region:
    """A byte range of the file (a section or the header) that every read is checked against."""

    def __init__(self, data, start, length, name):
        if start < 0 or length < 0 or start > len(data) or length > len(data) - start:
            raise SpecError(f"{name}: range [{start}, +{length}) is outside the file of {len(data)} bytes")
        self.data, self.start, self.length, self.name = data, start, length, name

    def check(self, offset, size, what=""):
        if offset < 0 or size < 0 or size > self.length or offset > self.length - size:
            raise SpecError(f"{self.name}: {what or 'read'} at offset {offset} of {size} bytes "
                            f"passes the end {self.length}")

    def unpack(self, fmt, offset, what=""):
        size = struct.calcsize("<" + fmt)
        self.check(offset, size, what)
        return struct.unpack_from("<" + fmt, self.data, self.start + offset)

    def u8(self, offset): return self.unpack("B", offset)[0]
    def u16(self, offset): return self.unpack("H", offset)[0]
    def u32(self, offset): return self.unpack("I", offset)[0]
    def u64(self, offset): return self.unpack("Q", offset)[0]

    def take(self, offset, size, what=""):
        self.check(offset, size, what)
        return bytes(self.data[self.start + offset:self.start + offset + size])


def align(x, a):
    return (x + a - 1) // a * a


# --- XXH3-64 (§1 "Checksums and hashes"), from Debian's libxxhash -----------------------------

_xxhash = ctypes.CDLL("libxxhash.so.0")
_xxhash.XXH3_64bits_withSeed.restype = ctypes.c_uint64
_xxhash.XXH3_64bits_withSeed.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]


class _Hash128(ctypes.Structure):
    _fields_ = [("low64", ctypes.c_uint64), ("high64", ctypes.c_uint64)]


_xxhash.XXH3_128bits.restype = _Hash128
_xxhash.XXH3_128bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def xxh3_64(data, seed=0):
    return _xxhash.XXH3_64bits_withSeed(bytes(data), len(data), seed)


def xxh3_128(data):
    result = _xxhash.XXH3_128bits(bytes(data), len(data))
    return result.low64, result.high64


# --- §2.2 header -------------------------------------------------------------------------------

MAGIC = bytes.fromhex("894D4D470D0A1A0A")
HEADER_SIZE = 128
IN_EDGES_FLAG = 1

Header = namedtuple("Header", "major minor flags file_size dataset_id shard_id shard_count section_count "
                              "directory_offset directory_hash vertex_count edge_count")


def read_header(data):
    """§2.2, with the open checks of §12 items 1-5."""
    if len(data) < HEADER_SIZE:
        raise SpecError(f"header: the file has {len(data)} bytes, fewer than {HEADER_SIZE}")
    region = Region(data, 0, HEADER_SIZE, "header")
    if region.take(0, 8) != MAGIC:
        raise SpecError("header: bad magic")
    major, minor, flags, file_size = region.unpack("HHIQ", 8)
    dataset_id = region.take(24, 16)
    shard_id, shard_count, section_count, directory_offset, directory_hash = region.unpack("HHIQQ", 40)
    vertex_count, edge_count = region.unpack("QQ", 64)
    if major not in (1, 2):
        raise SpecError(f"header: major version {major} is not 1 or 2 (§2.3 reader rule 1)")
    if xxh3_64(region.take(0, 120)) != region.u64(120):
        raise SpecError("header: checksum of bytes [0, 120) differs from header_checksum")
    if file_size != len(data):
        raise SpecError(f"header: file_size {file_size} differs from the file's {len(data)} bytes")
    if shard_id >= shard_count or vertex_count > 2**31:
        raise SpecError(f"header: shard {shard_id} of {shard_count}, {vertex_count} vertices")
    return Header(major, minor, flags, file_size, dataset_id, shard_id, shard_count, section_count,
                  directory_offset, directory_hash, vertex_count, edge_count)


# --- §3 section directory ----------------------------------------------------------------------

KIND_NAMES = {1: "strings", 2: "schema", 3: "node_types", 4: "vertices", 5: "nodes", 6: "out_edges",
              7: "in_edges", 8: "edge_props", 9: "key_index", 10: "label_sets", 11: "id_spaces",
              12: "key_table", 13: "out_runs", 14: "in_runs", 15: "key_table"}
#: The key structures by kind (§8.1): two kinds share the name key_table, so the key sections
#: are found by kind, never by name; every other name is one kind.
KEY_INDEX_KIND, WIDE_KEY_TABLE_KIND, BLOCK_KEY_TABLE_KIND = 9, 12, 15
KINDS = {name: code for code, name in KIND_NAMES.items() if name != "key_table"}
OPTIONAL_FLAG = 1
#: The minor of major 2 that introduced a section kind (§2.3 writer rule 3).
KIND_SINCE_MINOR = {KINDS["label_sets"]: 2, KINDS["id_spaces"]: 2, WIDE_KEY_TABLE_KIND: 3,
                    KINDS["out_runs"]: 5, KINDS["in_runs"]: 5, BLOCK_KEY_TABLE_KIND: 6}
#: The first version whose files have a key table instead of the key index (§8.1); the first
#: whose key table is kind 15, its slots naming the block of their node record (§8.1); the
#: first whose flat adjacency records are packed in one run of their own ("Reading 2.4 and
#: 2.3", §2.4); the first whose flat records leave their degree and entries to the runs
#: sections (§7, §7.3), which its files have and older ones must not. The version alone picks
#: the layout.
KEY_TABLE_SINCE = (2, 3)
NODE_BLOCKS_SINCE = (2, 6)
PACKED_FLAT_RECORDS_SINCE = (2, 3)
RUNS_SECTIONS_SINCE = (2, 5)
#: The first version whose vertex table holds each int64 key in a slot of role KEY_ROLE (§5.1).
KEY_SLOT_SINCE = (2, 4)
KEY_ROLE = 0x100

Section = namedtuple("Section", "index kind name flags offset length checksum")


def read_directory(data, header):
    """§3: the entries, each section inside the file; unknown OPTIONAL kinds kept, named None."""
    size = header.section_count * 32
    region = Region(data, header.directory_offset, size, "directory")
    if header.directory_offset % 8 or header.directory_offset < HEADER_SIZE:
        raise SpecError(f"directory: offset {header.directory_offset}")
    if xxh3_64(region.take(0, size)) != header.directory_hash:
        raise SpecError("directory: checksum differs from directory_hash")
    sections = []
    for i in range(header.section_count):
        kind, flags, _reserved, offset, length, checksum = region.unpack("HHIQQQ", 32 * i)
        name = KIND_NAMES.get(kind)
        if name is None and not flags & OPTIONAL_FLAG:
            raise SpecError(f"directory entry {i}: unknown kind {kind} without OPTIONAL (§2.3 reader rule 5)")
        if offset % 8 or offset < header.directory_offset + size:
            raise SpecError(f"directory entry {i}: section offset {offset}")
        Region(data, offset, length, f"section {i}")
        if header.major == 2 and KIND_SINCE_MINOR.get(kind, 0) > header.minor:
            raise SpecError(f"directory entry {i}: {name} in a 2.{header.minor} file (§2.3 writer rule 3)")
        sections.append(Section(i, kind, name, flags, offset, length, checksum))
    if not sections or sections[0].kind != KINDS["strings"]:
        raise SpecError("directory: entry 0 is not the strings section")
    return sections


# --- §4.1 string table -------------------------------------------------------------------------

def string_at(strings, string_id, where):
    if string_id >= len(strings):
        raise SpecError(f"{where}: string id {string_id} of {len(strings)} strings")
    return strings[string_id]


def read_strings(region):
    count = region.u32(0)
    region.check(8, 4 * (count + 1), "string offsets")
    offsets = region.unpack(f"{count + 1}I", 8)
    blob = 8 + 4 * (count + 1)
    if offsets[0] != 0 or region.length != blob + offsets[-1]:
        raise SpecError(f"strings: offsets do not span the section of {region.length} bytes")
    return [region.take(blob + offsets[i], offsets[i + 1] - offsets[i], f"string {i}").decode("utf-8", "surrogateescape")
            for i in range(count)]


# --- §4.3 type codes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TypeCode:
    code: int
    name: str
    size: Optional[int]  # fixed size; None for a variable-size type
    since: tuple         # the (major, minor) that defined it (§2.3 reader rule 6)


SCALAR_TYPES = {t.code: t for t in [
    TypeCode(1, "bool", 1, (1, 0)), TypeCode(2, "int8", 1, (1, 0)), TypeCode(3, "int16", 2, (1, 0)),
    TypeCode(4, "int32", 4, (1, 0)), TypeCode(5, "int64", 8, (1, 0)), TypeCode(6, "uint8", 1, (1, 0)),
    TypeCode(7, "uint16", 2, (1, 0)), TypeCode(8, "uint32", 4, (1, 0)), TypeCode(9, "uint64", 8, (1, 0)),
    TypeCode(10, "float32", 4, (1, 0)), TypeCode(11, "float64", 8, (1, 0)), TypeCode(12, "vertex_ref", 6, (1, 0)),
    TypeCode(13, "string", None, (1, 0)), TypeCode(14, "bytes", None, (1, 0)), TypeCode(15, "date", 4, (2, 1)),
    TypeCode(16, "localtime", 8, (2, 2)), TypeCode(17, "time", 12, (2, 2)), TypeCode(18, "localdatetime", 12, (2, 2)),
    TypeCode(19, "datetime", 20, (2, 2)), TypeCode(20, "duration", 28, (2, 2)), TypeCode(21, "point", 28, (2, 2)),
]}
LIST_FLAG = 0x80
STRING, BYTES = 13, 14


def type_code(byte):
    """§4.3: the TypeCode of a type byte, lists included; None when the byte is invalid."""
    element = SCALAR_TYPES.get(byte & ~LIST_FLAG)
    if element is None:
        return None
    if not byte & LIST_FLAG:
        return element
    since = element.since
    if element.code in (STRING, BYTES):
        since = (1, 1)  # 0x8D and 0x8E came with 1.1 (§2.4)
    return TypeCode(byte, element.name + "[]", None, since)


def type_defined_in(type_, major, minor):
    """§2.3 reader rule 6: no format-1 file may use a code from 15 on."""
    if major == 1:
        return type_.since[0] == 1 and minor >= type_.since[1]
    return type_.since[0] == 1 or minor >= type_.since[1]


# --- §4.2 schema -------------------------------------------------------------------------------

Attribute = namedtuple("Attribute", "name type nullable")
SchemaEntry = namedtuple("SchemaEntry", "name count attributes")
Schema = namedtuple("Schema", "key_type labels edge_types")
KEY_STRING, KEY_INT = 1, 2
NULLABLE_FLAG = 1


def read_schema(region, strings, major, minor):
    key_type, label_count, edge_type_count, _reserved = region.unpack("IIII", 0)
    if key_type not in (KEY_STRING, KEY_INT):
        raise SpecError(f"schema: key_type {key_type}")
    position = 16
    entries = []
    for i in range(label_count + edge_type_count):
        name, attribute_count, count = region.unpack("IIQ", position, f"entry {i}")
        position += 16
        region.check(position, 8 * attribute_count, f"entry {i} attributes")
        attributes = []
        for _ in range(attribute_count):
            attribute_name, type_byte, flags = region.unpack("IBB", position)
            type_ = type_code(type_byte)
            if type_ is None or not type_defined_in(type_, major, minor):
                raise SpecError(f"schema: type byte 0x{type_byte:02X} in a {major}.{minor} file (§2.3 reader rule 6)")
            attributes.append(Attribute(string_at(strings, attribute_name, "schema"), type_, bool(flags & NULLABLE_FLAG)))
            position += 8
        entries.append(SchemaEntry(string_at(strings, name, "schema"), count, attributes))
    if position != region.length:
        raise SpecError(f"schema: entries end at {position}, the section at {region.length}")
    return Schema(key_type, entries[:label_count], entries[label_count:])


# --- §4.2 derived layout -----------------------------------------------------------------------

@dataclass
class Layout:
    """Where a label set's (or an edge type's) values lie in a record or row (§4.2, §6.1)."""
    attributes: list
    int_key: bool
    fixed: list = field(default_factory=list)     # (attribute position, offset in the fixed part, null bit or None)
    variable: list = field(default_factory=list)  # attribute positions, in offset table order after the key
    f_null: int = 0
    fixed_size: int = 0

    @property
    def bitmap_size(self):
        return (self.f_null + 7) // 8

    @property
    def entry_count(self):
        """V: offset table entries, the string key first (§4.2)."""
        return len(self.variable) + (0 if self.int_key else 1)


def derive_layout(attributes, key_type):
    """§4.2 "Derived layout"; key_type None for an edge type's properties (no key)."""
    layout = Layout(list(attributes), key_type == KEY_INT)
    layout.fixed_size = 8 if layout.int_key else 0
    for position, attribute in enumerate(attributes):
        if attribute.type.size is None:
            layout.variable.append(position)
            continue
        null_bit = None
        if attribute.nullable:
            null_bit, layout.f_null = layout.f_null, layout.f_null + 1
        layout.fixed.append((position, layout.fixed_size, null_bit))
        layout.fixed_size += attribute.type.size
    return layout


def union_layout_attributes(schema, labels):
    """§4.2 "Label sets": labels ascending, each name once, conflicting declarations refused."""
    seen, attributes = {}, []
    for label in sorted(labels):
        for attribute in schema.labels[label].attributes:
            earlier = seen.get(attribute.name)
            if earlier is None:
                seen[attribute.name] = attribute
                attributes.append(attribute)
            elif (earlier.type.code, earlier.nullable) != (attribute.type.code, attribute.nullable):
                raise SpecError(f"label set {labels}: attribute {attribute.name!r} declared twice differently")
    return attributes


# --- §6.6 label sets, §6.3 node types, §8.3 ID spaces ------------------------------------------

def read_label_sets(region, label_count):
    """§6.6: the sets of two or more labels; set id label_count + i is entry i."""
    count = region.u32(0)
    position, sets = 8, []
    for i in range(count):
        n = region.u32(position)
        if n < 2 or n > label_count:
            raise SpecError(f"label_sets entry {i}: n = {n}")
        labels = region.unpack(f"{n}H", position + 4, f"label set {i}")
        if any(a >= b for a, b in zip(labels, labels[1:])) or labels[-1] >= label_count:
            raise SpecError(f"label_sets entry {i}: labels {labels} not strictly ascending below {label_count}")
        sets.append(tuple(labels))
        position += align(4 + 2 * n, 4)
    if position != region.length:
        raise SpecError(f"label_sets: entries end at {position}, the section at {region.length}")
    return sets


NodeType = namedtuple("NodeType", "label_set labels vertex_count widths layout")


def read_node_types(region, schema, label_sets):
    """§6.3 node type table: each entry's widths count follows from its label set's layout."""
    count, id_width = region.unpack("IB", 0)
    if id_width not in (0, 1, 2):
        raise SpecError(f"node_types: id_width {id_width}")
    label_count = len(schema.labels)
    layouts, types, position = {}, [], 8
    for i in range(count):
        label_set, vertex_count = region.unpack("IQ", position, f"node type {i}")
        if label_set >= label_count + len(label_sets):
            raise SpecError(f"node type {i}: label set {label_set}")
        labels = (label_set,) if label_set < label_count else label_sets[label_set - label_count]
        if label_set not in layouts:
            layouts[label_set] = derive_layout(union_layout_attributes(schema, labels), schema.key_type)
        layout = layouts[label_set]
        widths = region.take(position + 12, layout.entry_count, f"node type {i} widths")
        if any(w not in (1, 2, 4) for w in widths):
            raise SpecError(f"node type {i}: widths {list(widths)}")
        types.append(NodeType(label_set, labels, vertex_count, tuple(widths), layout))
        position += align(12 + layout.entry_count, 4)
    if position != region.length:
        raise SpecError(f"node_types: entries end at {position}, the section at {region.length}")
    return id_width, types


def read_id_spaces(region, strings, node_type_count):
    """§8.3: the space names (ids 1..S) and the space of each node type."""
    count = region.u32(0)
    if region.length != 8 + 4 * count + 2 * node_type_count:
        raise SpecError(f"id_spaces: length {region.length} is not 8 + 4S + 2T")
    names = [string_at(strings, i, "id_spaces") for i in region.unpack(f"{count}I", 8)]
    spaces = region.unpack(f"{node_type_count}H", 8 + 4 * count)
    if any(s > count for s in spaces):
        raise SpecError(f"id_spaces: a node type's space exceeds {count}")
    return names, list(spaces)


# --- §5.1 vertex table, §5.2 vertex references -------------------------------------------------

SLOT_OFFSET_MASK = 0x0000FFFFFFFFFFFC
SLOT_LOCAL_TAG = 1
VertexRef = namedtuple("VertexRef", "shard local")
LOCAL_INDEX_MASK = 0x7FFFFFFF
TERMINATOR_BIT = 0x80000000


@dataclass
class VertexTable:
    region: Region
    slot_count: int
    roles: tuple
    base: int

    def slot(self, index, role):
        """The slot of a vertex for a domain kind; None when the table has no such role."""
        if role not in self.roles:
            return None
        return self.region.u64(self.base + 8 * (index * self.slot_count + self.roles.index(role)))


def read_vertex_table(region, vertex_count, version, key_type):
    slot_count = region.u32(0)
    if not 2 <= slot_count <= 16:
        raise SpecError(f"vertices: slot_count {slot_count}")
    roles = region.unpack(f"{slot_count}H", 8)
    base = align(8 + 2 * slot_count, 8)
    if region.length != base + 8 * slot_count * vertex_count:
        raise SpecError(f"vertices: length {region.length} for {vertex_count} vertices of {slot_count} slots")
    if KINDS["nodes"] not in roles or KINDS["out_edges"] not in roles:
        raise SpecError(f"vertices: roles {roles} lack nodes or out_edges")
    if version >= KEY_SLOT_SINCE and (KEY_ROLE in roles) != (key_type == KEY_INT):
        raise SpecError(f"vertices: roles {roles} in a {version[0]}.{version[1]} file of "
                        f"{'int64' if key_type == KEY_INT else 'string'} keys (§5.1: a key slot exactly with int64 keys)")
    return VertexTable(region, slot_count, roles, base)


def decode_slot(slot):
    """§5.1 slot word: (domain id, record offset, L tag)."""
    return slot >> 48, slot & SLOT_OFFSET_MASK, bool(slot & SLOT_LOCAL_TAG)


def decode_vertex_ref(word48):
    """§5.2: a 48-bit reference; bit 31 (T) must be 0 in a value."""
    if word48 & TERMINATOR_BIT:
        raise SpecError(f"vertex reference 0x{word48:012X} has the terminator bit set")
    return VertexRef(word48 >> 32, word48 & LOCAL_INDEX_MASK)


# --- §6.4 variable values and VLQ, §4.3 value encodings ---------------------------------------

Date = namedtuple("Date", "days")
LocalTime = namedtuple("LocalTime", "nanoseconds")
Time = namedtuple("Time", "nanoseconds offset")
LocalDateTime = namedtuple("LocalDateTime", "seconds nanoseconds")
DateTime = namedtuple("DateTime", "seconds nanoseconds offset zone")  # zone: the IANA name or None
Duration = namedtuple("Duration", "months days seconds nanoseconds")
Point = namedtuple("Point", "srid x y z")
POINT_SRIDS = {7203: "cartesian", 9157: "cartesian-3d", 4326: "wgs-84", 4979: "wgs-84-3d"}
MAX_VLQ_BYTES = 5
MAX_LENGTH = 0xFFFFFFF0


def read_vlq(region, position):
    """§6.4: (value, position after it); at most 5 bytes, inside the region."""
    value = 0
    for i in range(MAX_VLQ_BYTES):
        byte = region.u8(position + i)
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if value > MAX_LENGTH:
                raise SpecError(f"{region.name}: VLQ {value} at {position} exceeds 0xFFFFFFF0")
            return value, position + i + 1
    raise SpecError(f"{region.name}: VLQ at {position} is longer than {MAX_VLQ_BYTES} bytes")


_FIXED_FORMATS = {2: "b", 3: "h", 4: "i", 5: "q", 6: "B", 7: "H", 8: "I", 9: "Q", 10: "f", 11: "d"}


def decode_fixed(code, region, position, strings):
    """§4.3: a fixed-size value of scalar code `code` at `position`."""
    if code in _FIXED_FORMATS:
        return region.unpack(_FIXED_FORMATS[code], position)[0]
    if code == 1:
        byte = region.u8(position)
        if byte > 1:
            raise SpecError(f"{region.name}: bool byte {byte} at {position}")
        return bool(byte)
    if code == 12:
        low, shard = region.unpack("IH", position)
        return decode_vertex_ref(low | shard << 32)
    if code == 15:
        return Date(*region.unpack("i", position))
    if code == 16:
        return LocalTime(*region.unpack("q", position))
    if code == 17:
        return Time(*region.unpack("qi", position))
    if code == 18:
        return LocalDateTime(*region.unpack("qI", position))
    if code == 19:
        seconds, nanoseconds, offset, zone = region.unpack("qIiI", position)
        return DateTime(seconds, nanoseconds, offset, string_at(strings, zone - 1, "datetime zone") if zone else None)
    if code == 20:
        return Duration(*region.unpack("qqqi", position))
    if code == 21:
        srid, x, y, z = region.unpack("Iddd", position)
        if srid not in POINT_SRIDS:
            raise SpecError(f"{region.name}: point SRID {srid}")
        return Point(srid, x, y, z)
    raise SpecError(f"{region.name}: code {code} is not fixed-size")


def decode_variable(type_, region, position, strings):
    """§6.4: the value whose VLQ starts at `position`: str, bytes or a list."""
    length, position = read_vlq(region, position)
    code = type_.code
    if code in (STRING, BYTES):
        payload = region.take(position, length, "string or bytes value")
        return payload.decode("utf-8", "surrogateescape") if code == STRING else payload
    element = code & ~LIST_FLAG
    if element in (STRING, BYTES):
        items = []
        region.check(position, length, "list items")  # every item takes at least one byte
        for _ in range(length):
            size, position = read_vlq(region, position)
            payload = region.take(position, size, "list item")
            items.append(payload.decode("utf-8", "surrogateescape") if element == STRING else payload)
            position += size
        return items
    size = SCALAR_TYPES[element].size
    region.check(position, length * size, "list elements")
    return [decode_fixed(element, region, position + k * size, strings) for k in range(length)]


# --- §6.1, §6.2 node records, and §8.2 rows (the same layout without type id and key) -----------

def read_null_bitmap(region, position, layout):
    bitmap = region.take(position, layout.bitmap_size, "null bitmap")
    return [bool(bitmap[i >> 3] >> (i & 7) & 1) for i in range(layout.f_null)]


def read_fixed_values(region, position, layout, nulls, values, strings):
    """The fixed part after the key (§6.1): each value at its constant offset, None when null."""
    for attribute_position, offset, null_bit in layout.fixed:
        if null_bit is not None and nulls[null_bit]:
            values[attribute_position] = None
        else:
            code = layout.attributes[attribute_position].type.code
            values[attribute_position] = decode_fixed(code, region, position + offset, strings)


def empty_value(type_):
    """§6.2: entry 0 of a non-nullable attribute is its empty value."""
    if type_.code == STRING:
        return ""
    return b"" if type_.code == BYTES else []


def resolve_entry(entry, type_, nullable, region, data_start, strings):
    """§6.2 offset encoding: 0 is null or empty; p + 1 a value at byte p of the data."""
    if entry == 0:
        return None if nullable else empty_value(type_)
    return decode_variable(type_, region, data_start + entry - 1, strings)


NodeRecord = namedtuple("NodeRecord", "node_type key values")


def read_node_record(region, position, id_width, node_types, strings):
    """§6.1: (node type id, key, attribute values in union layout order)."""
    type_id = 0
    if id_width:
        type_id = region.u8(position) if id_width == 1 else region.u16(position)
        position += id_width
    if type_id >= len(node_types):
        raise SpecError(f"nodes: node type id {type_id} at {position} of {len(node_types)} types")
    node_type = node_types[type_id]
    layout = node_type.layout
    nulls = read_null_bitmap(region, position, layout)
    position += layout.bitmap_size
    values = [None] * len(layout.attributes)
    key = None
    if layout.int_key:
        key = region.unpack("q", position)[0]
    read_fixed_values(region, position, layout, nulls, values, strings)
    position += layout.fixed_size
    entries = []
    for width in node_type.widths:
        entries.append(int.from_bytes(region.take(position, width, "offset table"), "little"))
        position += width
    if not layout.int_key:
        key = resolve_entry(entries.pop(0), SCALAR_TYPES[STRING], False, region, position, strings)
    for attribute_position, entry in zip(layout.variable, entries):
        attribute = layout.attributes[attribute_position]
        values[attribute_position] = resolve_entry(entry, attribute.type, attribute.nullable, region, position, strings)
    return NodeRecord(type_id, key, values)



# --- §7 adjacency records, §7.2 packed entries -------------------------------------------------

Block = namedtuple("Block", "edge_type targets ordinals")  # targets: VertexRefs; ordinals: a sequence or None


def packed_width(vertex_count):
    """§7.2: W, the bits of the largest local index."""
    return 1 if vertex_count <= 2 else (vertex_count - 1).bit_length()


def read_packed_entries(region, position, n, width, shard_id):
    """§7.2: n entries of `width` bits in ceil(n*W/32) little-endian words; format 1 passes W = 32
    and keeps the low 31 bits ("Reading format 1")."""
    words = (n * width + 31) // 32
    run = int.from_bytes(region.take(position, 4 * words, "packed entries"), "little")
    mask = (1 << min(width, 31)) - 1
    targets = [VertexRef(shard_id, (run >> (k * width)) & mask) for k in range(n)]
    return targets, position + 4 * words


def read_grouped_entries(region, position, n, groups, shard_count):
    """§7 grouped entries: G x {header, entries up to a terminator}; G is None with T = 1, then
    the groups run until n entries are read."""
    targets, group = [], 0
    while len(targets) < n and (groups is None or group < groups):
        header = region.u32(position)
        shard, reserved = header & 0xFFFF, header >> 16
        if reserved or shard >= shard_count:
            raise SpecError(f"{region.name}: group header 0x{header:08X} at {position}")
        position += 4
        while True:
            entry = region.u32(position)
            position += 4
            targets.append(VertexRef(shard, entry & LOCAL_INDEX_MASK))
            if entry & TERMINATOR_BIT:
                break
        group += 1
    if len(targets) != n:
        raise SpecError(f"{region.name}: groups ending at {position} hold {len(targets)} entries, not {n}")
    return targets, position


def read_block_directory(region, position, degree, type_count):
    """§7: [(edge type, group count or None, n)] and the position after the directory."""
    if type_count == 1:
        return [(0, None, degree)], position
    count = region.u32(position)
    region.check(position + 4, 8 * count, "block directory")
    blocks = []
    for b in range(count):
        word, n = region.unpack("II", position + 4 + 8 * b)
        blocks.append((word & 0xFFFF, word >> 16, n))
    if sum(n for _, _, n in blocks) != degree:
        raise SpecError(f"{region.name}: block counts do not sum to the degree {degree}")
    types = [edge_type for edge_type, _, _ in blocks]
    if any(a >= b for a, b in zip(types, types[1:])) or (types and types[-1] >= type_count):
        raise SpecError(f"{region.name}: block types {types} not ascending below {type_count}")
    return blocks, position + 4 + 8 * count


def read_ordinals(region, position, n, outgoing, has_properties):
    """§7 ordinal part: one u64 first (out) or n u64 (in), or nothing without properties."""
    if not has_properties:
        return None, position
    if outgoing:
        first = region.u64(position)
        return range(first, first + n), position + 8
    region.check(position, 8 * n, "ordinals")
    return list(region.unpack(f"{n}Q", position)), position + 8 * n


def read_blocked_record(shard, region, position, flat, outgoing):
    """§7 record grammar: degree, directory, then per block its ordinals and its entries (a packed
    run of its own when flat, §7.2 and "Reading format 1" of §2.4; else groups by shard)."""
    degree = region.u32(position)
    blocks, position = read_block_directory(region, position + 4, degree, len(shard.schema.edge_types))
    width = 32 if shard.header.major == 1 else packed_width(shard.header.vertex_count)
    result = []
    for edge_type, groups, n in blocks:
        has_properties = bool(shard.schema.edge_types[edge_type].attributes)
        ordinals, position = read_ordinals(region, position, n, outgoing, has_properties)
        if flat:
            targets, position = read_packed_entries(region, position, n, width, shard.header.shard_id)
        else:
            targets, position = read_grouped_entries(region, position, n, groups, shard.header.shard_count)
        result.append(Block(edge_type, targets, ordinals))
    return result


def read_flat_blocks(shard, region, position, degree, targets, outgoing):
    """§7 flat record after its degree and entries: the directory, then each block's ordinals in
    block order; block b's entries follow the earlier blocks' in `targets`."""
    blocks, position = read_block_directory(region, position, degree, len(shard.schema.edge_types))
    result, start = [], 0
    for edge_type, _groups, n in blocks:
        has_properties = bool(shard.schema.edge_types[edge_type].attributes)
        ordinals, position = read_ordinals(region, position, n, outgoing, has_properties)
        result.append(Block(edge_type, targets[start:start + n], ordinals))
        start += n
    return result


def read_packed_flat_record(shard, region, position, outgoing):
    """The 2.3 and 2.4 flat record ("Reading 2.4 and 2.3" in §2.4): degree, one packed run of all
    D entries of its own (§7.2), then the directory and the ordinals as in §7."""
    degree = region.u32(position)
    width = packed_width(shard.header.vertex_count)
    targets, position = read_packed_entries(region, position + 4, degree, width, shard.header.shard_id)
    return read_flat_blocks(shard, region, position, degree, targets, outgoing)


def read_flat_record(shard, region, position, outgoing, local):
    """§7 flat record (2.5): `[directory] ordinals...`, possibly 0 bytes; its degree D =
    start[v + 1] - start[v] and its entries [start[v], start[v + 1]) come from the direction's
    runs section (§7.3)."""
    direction = "out" if outgoing else "in"
    runs = shard.runs.get(direction)
    if runs is None:
        raise SpecError(f"{region.name}: flat record of vertex {local} at {position} without its {direction}_runs section")
    first, end = runs.entry_range(local)
    if first == end:  # §7: a flat record has D >= 1; a vertex without edges has slot 0
        raise SpecError(f"{runs.region.name}: vertex {local} has a flat record at {position} of {region.name} "
                        f"but no entries (start[{local}] = start[{local + 1}] = {first})")
    targets = runs.entries(first, end - first, shard.header.shard_id)
    return read_flat_blocks(shard, region, position, end - first, targets, outgoing)


def read_adjacency_record(shard, region, position, flat, outgoing, local):
    """The one place that picks the adjacency record layout of vertex `local`, by the slot's L tag
    and the file's version (§7, §2.4): since 2.5 a flat record leaves its degree and entries to
    the runs section; in 2.3 and 2.4 it is packed with a run of its own; before, and every
    grouped record, blocked."""
    version = (shard.header.major, shard.header.minor)
    if flat and version >= RUNS_SECTIONS_SINCE:
        # §5.1: an empty flat record's offset may equal the domain's length
        region.check(position, 0, f"flat record offset of vertex {local}")
        return read_flat_record(shard, region, position, outgoing, local)
    region.check(position, 1, f"record offset of vertex {local}")
    if flat and version >= PACKED_FLAT_RECORDS_SINCE:
        return read_packed_flat_record(shard, region, position, outgoing)
    return read_blocked_record(shard, region, position, flat, outgoing)


# --- §7.3 runs sections (2.5) ------------------------------------------------------------------

RUNS_HEAD_SIZE = 8


@dataclass
class RunsSection:
    """§7.3: start[0..V] of start_bytes each, then one packed run of E = start[V] entries."""
    region: Region
    start_bytes: int
    reserved: int
    vertex_count: int  # V
    width: int         # W (§7.2)
    entry_count: int   # E

    @property
    def run_offset(self):
        return RUNS_HEAD_SIZE + self.start_bytes * (self.vertex_count + 1)

    def start(self, v):
        """start[v], 0 <= v <= V, loaded with a byte copy (§1)."""
        if not 0 <= v <= self.vertex_count:
            raise SpecError(f"{self.region.name}: start[{v}] of V = {self.vertex_count}")
        offset = RUNS_HEAD_SIZE + self.start_bytes * v
        return int.from_bytes(self.region.take(offset, self.start_bytes, f"start[{v}]"), "little")

    def entry_range(self, v):
        """(start[v], start[v + 1]), checked in order and at most E (§12, later accesses)."""
        first, end = self.start(v), self.start(v + 1)
        if not first <= end <= self.entry_count:
            raise SpecError(f"{self.region.name}: start[{v}] = {first}, start[{v + 1}] = {end} at offset "
                            f"{RUNS_HEAD_SIZE + self.start_bytes * v} are not in order at most E = {self.entry_count}")
        return first, end

    def entries(self, first, n, shard_id):
        """§7.2: entries [first, first + n) of the run, as local references; whole words read."""
        if first + n > self.entry_count:
            raise SpecError(f"{self.region.name}: entries [{first}, {first + n}) of E = {self.entry_count}")
        width = self.width
        low_word, high_word = first * width // 32, ((first + n) * width + 31) // 32
        words = self.region.take(self.run_offset + 4 * low_word, 4 * (high_word - low_word), "run entries")
        bits = int.from_bytes(words, "little") >> (first * width - 32 * low_word)
        mask = (1 << width) - 1
        return [VertexRef(shard_id, (bits >> (k * width)) & mask) for k in range(n)]

    def padding(self):
        """The run's bits after entry E - 1, which must be zero (§7.3)."""
        used = self.entry_count * self.width
        if used % 32 == 0:
            return 0
        return self.region.u32(self.run_offset + 4 * (used // 32)) >> (used % 32)


def read_runs_section(region, vertex_count):
    """§7.3 head, with the open checks of §12 item 8: start_bytes 4 or 8, E from the last start,
    the length exact for it. The other starts are checked where they are read."""
    start_bytes, reserved = region.unpack("II", 0, "runs section head")
    if start_bytes not in (4, 8):
        raise SpecError(f"{region.name}: start_bytes {start_bytes} at offset 0 is not 4 or 8")
    region.check(RUNS_HEAD_SIZE, start_bytes * (vertex_count + 1), f"{vertex_count + 1} starts")
    last = RUNS_HEAD_SIZE + start_bytes * vertex_count
    entry_count = int.from_bytes(region.take(last, start_bytes, f"start[{vertex_count}]"), "little")
    width = packed_width(vertex_count)
    expected = last + start_bytes + 4 * ((entry_count * width + 31) // 32)
    if region.length != expected:
        raise SpecError(f"{region.name}: length {region.length}, but start[{vertex_count}] = E = {entry_count} at "
                        f"offset {last} gives {expected}")
    return RunsSection(region, start_bytes, reserved, vertex_count, width, entry_count)


def read_runs_sections(shard):
    """The one place that decides by the file's version whether flat entries lie in runs sections
    (§2.3 writer rule 3, §12 item 8): since 2.5 `out_runs` always and `in_runs` exactly with
    IN_EDGES, before 2.5 neither. {direction: RunsSection}."""
    version = (shard.header.major, shard.header.minor)
    apart = version >= RUNS_SECTIONS_SINCE
    runs = {}
    for direction in ("out", "in"):
        name = f"{direction}_runs"
        wanted = apart and (direction == "out" or shard.has_in_edges)
        region = shard.section_region(name, required=wanted)
        if region is not None and not wanted:
            raise SpecError(f"directory: an {name} section in a {version[0]}.{version[1]} file"
                            + (" without IN_EDGES" if apart else ""))
        if region is not None:
            runs[direction] = read_runs_section(region, shard.header.vertex_count)
    return runs


def runs_section_errors(runs, vertex_table, role):
    """The verify checks of §12 for one runs section against its direction's slots: reserved 0,
    start_bytes 4 exactly when E < 2^32, start[0] 0, the starts non-decreasing, D >= 1 exactly
    when the slot names a flat record, zero padding bits. [] when it passes."""
    name, errors = runs.region.name, []
    if runs.reserved:
        errors.append(f"{name}: reserved {runs.reserved} at offset 4")
    if runs.start_bytes != (4 if runs.entry_count < 2**32 else 8):
        errors.append(f"{name}: start_bytes {runs.start_bytes} for E = {runs.entry_count}")
    previous = runs.start(0)
    if previous:
        errors.append(f"{name}: start[0] = {previous} at offset {RUNS_HEAD_SIZE}")
    for v in range(runs.vertex_count):
        start = runs.start(v + 1)
        if start < previous:
            errors.append(f"{name}: start[{v + 1}] = {start} at offset {RUNS_HEAD_SIZE + runs.start_bytes * (v + 1)} "
                          f"is less than start[{v}] = {previous}")
        slot = vertex_table.slot(v, role)
        flat = bool(slot) and decode_slot(slot)[2]
        if (start > previous) != flat:
            errors.append(f"{name}: vertex {v} has {start - previous} entries and "
                          f"{'a flat record' if flat else 'no flat record'}")
        previous = start
    if runs.padding():
        errors.append(f"{name}: padding bits after entry {runs.entry_count - 1} are not zero")
    return errors


# --- §8.1 key table (kind 15 since 2.6, kind 12 in 2.3 to 2.5) and key index (2.2 and older) ---

def key_bytes(key, key_type):
    """§8.1: the UTF-8 bytes of a string key, the 8 little-endian bytes of an i64 key."""
    if key_type == KEY_INT:
        return struct.pack("<q", key)
    return key.encode("utf-8", "surrogateescape")


def key_hash(key, key_type, space):
    return xxh3_64(key_bytes(key, key_type), space)


@dataclass
class KeyIndex:
    region: Region
    bucket_bits: int
    n: int
    entries_offset: int

    def candidates(self, h):
        """Lookup steps 1-3 of §8.1: the local indices whose fingerprint matches."""
        bucket = 0 if self.bucket_bits == 0 else h >> (64 - self.bucket_bits)
        lo, hi = self.region.unpack("II", 16 + 4 * bucket)
        if not lo <= hi <= self.n:
            raise SpecError(f"key_index: bucket {bucket} range [{lo}, {hi}) of {self.n}")
        fingerprint = h & 0xFFFFFFFF
        for i in range(lo, hi):
            entry_fingerprint, local = self.region.unpack("II", self.entries_offset + 8 * i)
            if entry_fingerprint == fingerprint:
                yield local


def read_key_index(region, key_type, vertex_count):
    """§8.1 head: b taken from the head and checked against the length."""
    index_key_type, bucket_bits, n = region.unpack("IIQ", 0)
    if index_key_type != key_type or n != vertex_count or bucket_bits > 31:
        raise SpecError(f"key_index: key type {index_key_type}, b {bucket_bits}, n {n}")
    entries_offset = align(20 + 4 * (1 << bucket_bits), 8)
    if region.length != entries_offset + 8 * n:
        raise SpecError(f"key_index: length {region.length} is not E + 8n = {entries_offset + 8 * n}")
    return KeyIndex(region, bucket_bits, n, entries_offset)


#: §8.1: a kind-12 slot's low word is the fingerprint h & 0xFFFFFFFF; a kind-15 slot's (2.6) has
#: h & 0xFFF in bits 0-11 and the node block, 20 bits, above them.
WIDE_FINGERPRINT_MASK, NARROW_FINGERPRINT_MASK = 0xFFFFFFFF, 0xFFF
NODE_BLOCK_LOW_BIT, NODE_BLOCK_BITS, MIN_NODE_BLOCK_SHIFT = 12, 20, 12


def node_block_shift(nodes_length):
    """§8.1 (2.6): s, the log2 of a node block's bytes for a nodes section of L bytes: 4 KiB at
    the least, else the smallest whose 2^20 blocks cover the section, so that every record's
    block fits its 20 bits. bitlen(0) = 0: an empty section has s = 12."""
    width = (nodes_length - 1).bit_length() if nodes_length > 0 else 0
    return max(MIN_NODE_BLOCK_SHIFT, width - NODE_BLOCK_BITS)


@dataclass
class KeyTable:
    """§8.1 key table of kind 12 (2.3 to 2.5) or kind 15 (since 2.6): the same head, slot count,
    placement and high words; the low word's fingerprint is 32 bits in kind 12, 12 in kind 15,
    whose bits above name the block of the vertex's node record."""
    region: Region
    slot_count: int  # C
    n: int
    block_shift: Optional[int] = None  # s of a kind-15 table; None in kind 12

    @property
    def fingerprint_mask(self):
        return WIDE_FINGERPRINT_MASK if self.block_shift is None else NARROW_FINGERPRINT_MASK

    def slot(self, s):
        """(low word, local index + 1) of slot s; both are 0 in an empty slot."""
        return self.region.unpack("II", 16 + 8 * s)

    def candidates(self, h):
        """Lookup steps 1-4 of §8.1: from the home slot to an empty one, at most C slots; a slot
        is a candidate when its fingerprint (32 or 12 bits by the kind) is h's."""
        home = (h * self.slot_count) >> 64
        mask = self.fingerprint_mask
        for step in range(self.slot_count):
            low, local_plus_one = self.slot((home + step) % self.slot_count)
            if local_plus_one == 0:
                return
            if low & mask == h & mask:
                yield local_plus_one - 1

    def check_node_blocks(self, node_offset):
        """§8.1 (2.6) validity: every occupied slot's block (bits 12-31) is its vertex's node
        record offset >> s, `node_offset(local)` giving that offset (from the vertex's nodes
        slot, §5.1)."""
        for s in range(self.slot_count):
            low, local_plus_one = self.slot(s)
            if local_plus_one == 0:
                continue
            local = local_plus_one - 1
            if local >= self.n:
                raise SpecError(f"{self.region.name}: slot {s} at offset {16 + 8 * s} names local index {local} of n = {self.n}")
            offset = node_offset(local)
            block, expected = low >> NODE_BLOCK_LOW_BIT, offset >> self.block_shift
            if block != expected:
                raise SpecError(f"{self.region.name}: slot {s} at offset {16 + 8 * s} names node block {block}, expected "
                                f"block {expected}: vertex {local}'s node record starts at offset {offset}, blocks of "
                                f"2^{self.block_shift} bytes (§8.1)")


def read_key_table(region, key_type, vertex_count, nodes_length=None):
    """§8.1 head {key_type, reserved, n}, then C slots; C from the length. `nodes_length` is L,
    the nodes section's length, for a kind-15 table (2.6), which gives its block shift; None
    for kind 12."""
    table_key_type, _reserved, n = region.unpack("IIQ", 0)
    slot_count, rest = divmod(region.length - 16, 8)
    if table_key_type != key_type or n != vertex_count or rest or slot_count <= n:
        raise SpecError(f"{region.name}: key type {table_key_type}, n {n}, length {region.length}")
    block_shift = None if nodes_length is None else node_block_shift(nodes_length)
    return KeyTable(region, slot_count, n, block_shift)


def key_section_kind(version):
    """§8.1, §2.3 writer rule 3: the kind of the one key section a file of `version` has: the
    key table of kind 15 since 2.6, of kind 12 in 2.3 to 2.5, the key index (kind 9) before."""
    if version >= NODE_BLOCKS_SINCE:
        return BLOCK_KEY_TABLE_KIND
    return WIDE_KEY_TABLE_KIND if version >= KEY_TABLE_SINCE else KEY_INDEX_KIND


def read_key_lookup(shard):
    """The one place that picks the structure mapping keys to local indices, by the file's
    version (`key_section_kind`); a file has that kind's section once and none of the other two
    kinds. A kind-15 table's node blocks are checked against the vertex table at open."""
    version = (shard.header.major, shard.header.minor)
    wanted = key_section_kind(version)
    found = {kind: [s for s in shard.sections if s.kind == kind]
             for kind in (KEY_INDEX_KIND, WIDE_KEY_TABLE_KIND, BLOCK_KEY_TABLE_KIND)}
    for kind, sections in found.items():
        if kind != wanted and sections:
            raise SpecError(f"directory entry {sections[0].index}: a {KIND_NAMES[kind]} section of kind {kind} in a "
                            f"{version[0]}.{version[1]} file, whose key section is kind {wanted} (§8.1)")
    if len(found[wanted]) != 1:
        raise SpecError(f"directory: {len(found[wanted])} {KIND_NAMES[wanted]} sections of kind {wanted} (§8.1)")
    region = shard.region_of(found[wanted][0])
    if wanted == KEY_INDEX_KIND:
        return read_key_index(region, shard.schema.key_type, shard.header.vertex_count)
    if wanted == WIDE_KEY_TABLE_KIND:
        return read_key_table(region, shard.schema.key_type, shard.header.vertex_count)
    table = read_key_table(region, shard.schema.key_type, shard.header.vertex_count,
                           shard.section_region("nodes").length)
    table.check_node_blocks(lambda local: decode_slot(shard.vertex_table.slot(local, KINDS["nodes"]))[1])
    return table


# --- §8.2 edge property tables -----------------------------------------------------------------

@dataclass
class EdgePropertyTable:
    region: Region
    layout: Layout
    heap_width: int
    row_count: int
    row_size: int
    heap: Region

    def row(self, ordinal, strings):
        """Row `ordinal` as a list of property values in schema order."""
        if ordinal >= self.row_count:
            raise SpecError(f"{self.region.name}: ordinal {ordinal} of {self.row_count} rows")
        position = 32 + ordinal * self.row_size
        layout = self.layout
        nulls = read_null_bitmap(self.region, position, layout)
        position += layout.bitmap_size
        values = [None] * len(layout.attributes)
        read_fixed_values(self.region, position, layout, nulls, values, strings)
        position += layout.fixed_size
        for attribute_position in layout.variable:
            entry = int.from_bytes(self.region.take(position, self.heap_width, "heap offset"), "little")
            position += self.heap_width
            attribute = layout.attributes[attribute_position]
            values[attribute_position] = resolve_entry(entry, attribute.type, attribute.nullable, self.heap, 0, strings)
        return values


def read_edge_property_table(region, schema):
    edge_type, heap_width, row_count, row_size, heap_offset = region.unpack("IB3xQI4xQ", 0)
    if edge_type >= len(schema.edge_types) or not schema.edge_types[edge_type].attributes:
        raise SpecError(f"{region.name}: edge type {edge_type}")
    layout = derive_layout(schema.edge_types[edge_type].attributes, None)
    expected_row = layout.bitmap_size + layout.fixed_size + heap_width * len(layout.variable)
    if heap_width not in (1, 2, 4, 8) or row_size != expected_row:
        raise SpecError(f"{region.name}: heap width {heap_width}, row size {row_size} (expected {expected_row})")
    if row_count != schema.edge_types[edge_type].count:
        raise SpecError(f"{region.name}: {row_count} rows, the schema counts {schema.edge_types[edge_type].count}")
    if heap_offset % 8 or heap_offset < 32 + row_count * row_size or heap_offset > region.length:
        raise SpecError(f"{region.name}: heap offset {heap_offset}")
    heap = Region(region.data, region.start + heap_offset, region.length - heap_offset, f"{region.name} heap")
    return edge_type, EdgePropertyTable(region, layout, heap_width, row_count, row_size, heap)


# --- one file (a shard) ------------------------------------------------------------------------

class Shard:
    """One mmgraph file, opened as §12 "At open" describes; records decoded on demand."""

    def __init__(self, path):
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            self.data = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) if size else b""
        self.path = path
        self.header = read_header(self.data)
        self.sections = read_directory(self.data, self.header)
        self.strings = read_strings(self.section_region("strings"))
        self.schema = read_schema(self.section_region("schema"), self.strings, self.header.major, self.header.minor)
        label_sets = self.section_region("label_sets", required=False)
        self.label_sets = read_label_sets(label_sets, len(self.schema.labels)) if label_sets else []
        self.id_width, self.node_types = read_node_types(self.section_region("node_types"), self.schema, self.label_sets)
        spaces = self.section_region("id_spaces", required=False)
        if spaces:
            self.space_names, self.node_type_spaces = read_id_spaces(spaces, self.strings, len(self.node_types))
        else:
            self.space_names, self.node_type_spaces = [], [0] * len(self.node_types)
        self.vertex_table = read_vertex_table(self.section_region("vertices"), self.header.vertex_count,
                                              (self.header.major, self.header.minor), self.schema.key_type)
        self.has_in_edges = bool(self.header.flags & IN_EDGES_FLAG)
        if self.has_in_edges != (KINDS["in_edges"] in self.vertex_table.roles):
            raise SpecError("header: IN_EDGES flag disagrees with the vertex table roles")
        self.runs = read_runs_sections(self)
        self.keys = read_key_lookup(self)
        self.edge_properties = dict(read_edge_property_table(self.region_of(s), self.schema)
                                    for s in self.sections if s.name == "edge_props")
        with_properties = {i for i, e in enumerate(self.schema.edge_types) if e.attributes}
        if set(self.edge_properties) != with_properties:
            raise SpecError(f"directory: edge_props sections for types {sorted(self.edge_properties)}, "
                            f"the schema's types with properties are {sorted(with_properties)}")

    def close(self):
        if isinstance(self.data, mmap.mmap):
            self.data.close()

    def bad_checksums(self):
        """§3: the directory entries whose checksum differs from XXH3-64 of the section's bytes."""
        return [s.index for s in self.sections
                if xxh3_64(self.region_of(s).take(0, s.length)) != s.checksum]

    def misplaced_sections(self):
        """§3 "Placement": the sections not at the offset the previous one's end gives, and -1
        when the file does not end after the last section's padding."""
        end = HEADER_SIZE + 32 * len(self.sections) if self.header.directory_offset == HEADER_SIZE else None
        misplaced = []
        for s in self.sections:
            if end is None or s.offset != align(end, 8):
                misplaced.append(s.index)
            end = s.offset + s.length
        return misplaced + ([] if self.header.file_size == align(end, 8) else [-1])

    def misordered_sections(self):
        """§3 "Ordering": the directory entries that do not come after the previous known kind in
        the order strings, schema, node_types, label_sets, id_spaces, vertices, nodes, out_edges,
        in_edges, out_runs, in_runs, edge_props (ascending type), key_table or key_index; unknown
        OPTIONAL kinds may stand anywhere."""
        order = ["strings", "schema", "node_types", "label_sets", "id_spaces", "vertices", "nodes", "out_edges",
                 "in_edges", "out_runs", "in_runs", "edge_props", "key_table"]
        misordered, previous = [], None
        for s in self.sections:
            if s.name is None:
                continue
            rank = (order.index("key_table" if s.name == "key_index" else s.name),
                    self.region_of(s).u32(0) if s.name == "edge_props" else 0)
            if previous is not None and rank <= previous:
                misordered.append(s.index)
            previous = rank
        return misordered

    def runs_section_errors(self):
        """§12 verify for the runs sections (2.5): what `runs_section_errors` finds in each."""
        return [error for direction, runs in self.runs.items()
                for error in runs_section_errors(runs, self.vertex_table, KINDS[f"{direction}_edges"])]

    # §3: sections by kind, except entry 0
    def region_of(self, section):
        return Region(self.data, section.offset, section.length, f"section {section.index} ({section.name})")

    def section_region(self, name, required=True):
        found = [s for s in self.sections if s.name == name]
        if len(found) > 1 or (required and not found):
            raise SpecError(f"directory: {len(found)} {name} sections")
        return self.region_of(found[0]) if found else None

    def domain_record(self, slot, role):
        """§5.1: the region of the domain a slot names and the record's offset in it, at most the
        domain's length (equal only for an empty flat record, which read_adjacency_record allows)."""
        domain_id, offset, local = decode_slot(slot)
        if domain_id >= len(self.sections) or self.sections[domain_id].kind != role:
            raise SpecError(f"slot 0x{slot:016X}: domain {domain_id} is not a {KIND_NAMES[role]} section")
        region = self.region_of(self.sections[domain_id])
        region.check(offset, 0, "record offset")
        return region, offset, local

    # vertices
    def node_record(self, local):
        if not 0 <= local < self.header.vertex_count:
            raise SpecError(f"local index {local} of {self.header.vertex_count}")
        region, offset, local_tag = self.domain_record(self.vertex_table.slot(local, KINDS["nodes"]), KINDS["nodes"])
        region.check(offset, 1, f"node record offset of vertex {local}")  # never empty (§6.1)
        if local_tag:
            raise SpecError(f"vertex {local}: L tag on a nodes slot")
        return read_node_record(region, offset, self.id_width, self.node_types, self.strings)

    def key_slot(self, local):
        """§5.1 (2.4): the int64 key in the vertex table; None in a table without a key slot."""
        slot = self.vertex_table.slot(local, KEY_ROLE)
        return None if slot is None else struct.unpack("<q", struct.pack("<Q", slot))[0]

    def vertex(self, local):
        """A dict of what a vertex is: key, labels (names), space (name or None), attributes."""
        record = self.node_record(local)
        if self.key_slot(local) not in (None, record.key):
            raise SpecError(f"vertex {local}: key slot {self.key_slot(local)} differs from the node record's key {record.key}")
        node_type = self.node_types[record.node_type]
        space = self.node_type_spaces[record.node_type]
        return {
            "key": record.key,
            "labels": tuple(self.schema.labels[label].name for label in node_type.labels),
            "space": self.space_names[space - 1] if space else None,
            "attributes": {a.name: v for a, v in zip(node_type.layout.attributes, record.values)},
        }

    def adjacency(self, local, direction):
        """The blocks of a vertex's record in direction 'out' or 'in' (§7); [] without one."""
        role = KINDS["out_edges" if direction == "out" else "in_edges"]
        slot = self.vertex_table.slot(local, role)
        if not slot:
            return []
        region, offset, flat = self.domain_record(slot, role)
        return read_adjacency_record(self, region, offset, flat, direction == "out", local)

    # §8.1 lookup, step 3: compare the key (from the key slot when the vertex table has one) and
    # the space (through the node record)
    def lookup_local(self, key, space=0):
        h = key_hash(key, self.schema.key_type, space)
        for local in self.keys.candidates(h):
            if local >= self.header.vertex_count:
                raise SpecError(f"key_index: local index {local}")
            record = self.node_record(local)
            stored = self.key_slot(local)
            if (record.key if stored is None else stored) == key and self.node_type_spaces[record.node_type] == space:
                return local
        return None

    def edge_property_row(self, edge_type, ordinal):
        return self.edge_properties[edge_type].row(ordinal, self.strings)


# --- §10 datasets ------------------------------------------------------------------------------

class Dataset:
    """The shards of one dataset, numbered globally shard after shard."""

    def __init__(self, paths):
        shards = [Shard(p) for p in paths]
        count = shards[0].header.shard_count
        if sorted(s.header.shard_id for s in shards) != list(range(count)):
            raise SpecError(f"dataset: shard ids {[s.header.shard_id for s in shards]} of {count}")
        for s in shards:
            if (s.header.dataset_id, s.header.shard_count, s.header.major, s.header.minor) != \
               (shards[0].header.dataset_id, count, shards[0].header.major, shards[0].header.minor):
                raise SpecError(f"dataset: {s.path} differs in dataset id, shard count or version")
        self.shards = sorted(shards, key=lambda s: s.header.shard_id)
        self.first_index = [0]
        for s in self.shards:
            self.first_index.append(self.first_index[-1] + s.header.vertex_count)

    def close(self):
        for s in self.shards:
            s.close()

    def derived_dataset_id(self):
        """§10 "Dataset id": XXH3-128 of every directory entry's checksum, shard by shard, the low
        64 bits first."""
        checksums = b"".join(struct.pack("<Q", s.checksum) for shard in self.shards for s in shard.sections)
        low, high = xxh3_128(checksums)
        return struct.pack("<QQ", low, high)

    @property
    def vertex_count(self):
        return self.first_index[-1]

    def locate(self, index):
        """(shard, local index) of a global index."""
        for shard_id, shard in enumerate(self.shards):
            if index < self.first_index[shard_id + 1]:
                return shard, index - self.first_index[shard_id]
        raise SpecError(f"vertex {index} of {self.vertex_count}")

    def global_index(self, ref):
        if ref.shard >= len(self.shards) or ref.local >= self.shards[ref.shard].header.vertex_count:
            raise SpecError(f"reference to vertex {ref.local} of shard {ref.shard}: no such vertex")
        return self.first_index[ref.shard] + ref.local

    def space_id(self, name):
        return 0 if name is None else self.shards[0].space_names.index(name) + 1

    def find(self, key, space=None):
        """§10 placement and §8.1 lookup: the global index of (space, key), or None."""
        space_id = self.space_id(space)
        h = key_hash(key, self.shards[0].schema.key_type, space_id)
        shard_id = h % len(self.shards)
        local = self.shards[shard_id].lookup_local(key, space_id)
        return None if local is None else self.first_index[shard_id] + local

    def edges(self, index, direction):
        """[(type name, other endpoint's global index, property dict)] in stored order. In-edge
        ordinals name rows of the source shard's table (§7, §8.2)."""
        shard, local = self.locate(index)
        edge_types = shard.schema.edge_types
        result = []
        for block in shard.adjacency(local, direction):
            entry = edge_types[block.edge_type]
            for k, target in enumerate(block.targets):
                properties = {}
                if block.ordinals is not None:
                    owner = shard if direction == "out" else self.shards[target.shard]
                    row = owner.edge_property_row(block.edge_type, block.ordinals[k])
                    properties = {a.name: v for a, v in zip(entry.attributes, row)}
                result.append((entry.name, self.global_index(target), properties))
        return result


def open_dataset(path):
    """A file (one shard of a dataset: its siblings are found by name), or a dataset path
    `<stem>.mmg` whose shards are `<stem>-<i>-of-<K>.mmg` (§10 "File names")."""
    path = str(path)
    if os.path.exists(path):
        first = Shard(path)
        count = first.header.shard_count
        first.close()
        if count == 1:
            return Dataset([path])
        stem = re.sub(r"-\d+-of-\d+\.mmg$", "", path)
    else:
        stem = path[:-len(".mmg")]
        pattern = re.compile(re.escape(os.path.basename(stem)) + r"-0-of-([1-9]\d*)\.mmg$")
        counts = [int(m.group(1)) for m in map(pattern.match, os.listdir(os.path.dirname(stem) or ".")) if m]
        if len(counts) != 1:
            raise SpecError(f"{path}: no single set of shard files beside it")
        count = counts[0]
    return Dataset([f"{stem}-{i}-of-{count}.mmg" for i in range(count)])
