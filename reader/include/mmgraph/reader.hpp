// mmgraph reader: maps a file read-only and decodes lazily (spec/FORMAT.md §12).
//
// `File::open` checks the header, the file size and the section directory and parses the small
// tables (strings, schema, node types); nothing per vertex. Every later read of an offset taken
// from the file goes through one bounds check (detail::MappedBytes below; reader/src/bounds.hpp
// adds the errors) and throws mmgraph::Error naming the section and offset.
//
// Lifetimes. A File is held by the shared_ptr that open() returns; everything read from it
// points into its mapping or its tables and is valid while the File lives, and no longer:
// Vertex, ValueRef, EdgeRange and their iterators, NamedValue, the string_views (names, string
// values, string keys in a Key) and the spans (sections(), labels(), as_bytes() ...). Keep the
// shared_ptr (or the Dataset holding it) as long as any of them is in use; copy what must
// outlive it (std::string(view), key_to_string). Nothing is invalidated earlier: a File never
// changes after open, and a file replaced on disk by rename keeps its old mapping.
//
// Threads. A File and a Dataset are immutable after open: any number of threads may read
// through one File or Dataset, and through values read from it, without locking.
//
// Errors. Every failure throws mmgraph::Error, whose kind() says what went wrong (error.hpp):
// damaged for a bad file, misuse for a caller's mistake (an index out of range, a value read
// as the wrong type), io for the environment. A failed call leaves the File as it was.
//
//     auto file = mmgraph::File::open("people.mmg");
//     auto alice = file->find("alice");
//     for (const auto& edge : alice->edges(mmgraph::Direction::out))
//         std::cout << file->vertex(edge.target.index).key_string() << "\n";
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mmgraph/error.hpp"
#include "mmgraph/format/adjacency.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/packed.hpp"
#include "mmgraph/types.hpp"

namespace mmgraph {

// How the kernel reads a page of the file that is not yet in memory (madvise on the mapping).
// Each first touch of a missing page is a disk read; what else that read brings in is the
// readahead, which on a block device is often 128 KiB and can be several MiB.
enum class Access : uint8_t {
    random,      // the touched page only: lookups and traversals touch pages far apart
    normal,      // the kernel's read-around
    sequential,  // large readahead: for reading the whole file in order (dump)
};

// Every limit the reader applies to a file, in one place (spec §9, §12). Counts read from a file
// are first checked against the bytes that must hold them, so no table can claim more memory
// than a constant times the file's size; these limits bound the tables that open() copies into
// memory further, whatever the file's size. A file past a limit is refused with an error that
// names it. Besides the limits: whether open() verifies, and the readahead advice.
struct ReaderOptions {
    uint64_t max_sections = 1u << 16;        // directory entries (a v1.0 file has 8 + edge types)
    uint64_t max_strings = 1u << 20;         // names in the string table
    uint64_t max_schema_entries = 1u << 17;  // attribute descriptors of all labels and edge types; label sets may visit 16x as many (§6.6)
    bool verify_on_open = false;             // run verify() inside open()
    Access access = Access::random;          // verify() reads ahead by itself whatever this is
    // Under Access::random, the first this many find(key) calls after open also ask the kernel
    // to start reading the pages they will need next (the key table's home slot and the line
    // after it, or in a 2.2 file the key entries near the bucket's expected place; the found
    // vertex's out-edges record), so that on a cold file those disk reads overlap the ones the
    // lookup waits for. Each costs a system call (about a
    // microsecond), so only a freshly opened file's first lookups make them.
    uint32_t cold_lookup_hints = 4;
};

struct AttributeInfo {
    std::string_view name;
    Type type;
    bool nullable = false;
    uint32_t fixed_offset = 0;  // fixed: byte offset in the packed part; variable: table entry
    uint32_t null_bit = 0;      // nullable fixed-size: bit in the null bitmap
};

struct LabelInfo {
    std::string_view name;
    uint64_t count = 0;  // vertices (labels) or edges (edge types) in this shard
    std::vector<AttributeInfo> attributes;
    uint32_t fixed_size = 0;   // bytes of packed fixed-size values, key included
    uint32_t null_bytes = 0;   // bytes of null bitmap
    uint32_t var_count = 0;    // offset table entries, string key included

    std::optional<uint32_t> find(std::string_view attribute) const;
};

// A label set of two or more labels (spec §6.6): its labels, ascending, and the layout of its
// vertices' records, whose attributes are the union of the labels' (§4.2). Its `layout.name` is
// the label names joined by ';' and its `layout.count` the vertices with exactly this set.
struct LabelSetInfo {
    std::vector<uint32_t> labels;
    LabelInfo layout;
    std::string name;  // what layout.name views
};

struct NodeTypeInfo {
    uint32_t label = 0;  // the label set (§6.6): below labels().size() a label, its only one
    uint16_t space = 0;  // the ID space of its vertices' keys (§8.3): 0 the default
    uint64_t vertices = 0;
    std::vector<uint8_t> offset_widths;  // one per offset table entry
    uint32_t table_size = 0;             // bytes of the offset table
};

struct SectionInfo {
    uint16_t kind = 0;
    uint16_t flags = 0;
    uint64_t offset = 0;
    uint64_t length = 0;
    uint64_t checksum = 0;
    std::string_view name() const { return format::section_name(kind); }
};

// One problem that verify found: where it lies and what it is.
struct VerifyFinding {
    int section = -1;      // directory index of the section holding `offset`; -1 outside every section
    std::string area;      // the section's name, or "header", "directory", "gap", or "file" when no place is known
    uint64_t offset = 0;   // file offset: the field or byte at fault when known, else the start of what holds it
    uint64_t length = 0;   // bytes the problem covers when it is a range (a checksum: the section), else 0
    std::string message;   // as verify() would throw it
};

struct VerifyOptions {
    // Called from the verifying thread every few MiB or few thousand vertices with the share of
    // the work done, 0 to 1. Returning false stops the check: verify_all() then returns what it
    // found so far, with `cancelled` set.
    std::function<bool(double done)> progress;
    size_t max_findings = 1000;  // stop collecting after this many
};

struct VerifyReport {
    std::vector<VerifyFinding> findings;  // in the order the checks of verify() run
    bool cancelled = false;               // stopped by the progress callback
    bool truncated = false;               // stopped at max_findings
    bool complete() const { return !cancelled && !truncated; }
    bool ok() const { return complete() && findings.empty(); }
};

class ValueRef;

namespace detail {

// What a typed read asks for (ValueRef::as<T>): a kind of value and, for integers, a width.
struct ReadTarget {
    enum Kind : uint8_t { boolean, signed_integer, unsigned_integer, floating, string, vertex_ref, date, temporal, any };
    Kind kind = any;
    uint8_t bytes = 0;  // integers: the width; temporal: the type code (§4.3)
};

template <typename T>
inline constexpr bool is_integer_target =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> && !std::is_same_v<T, wchar_t> &&
    !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>;

template <typename T>
inline constexpr bool is_read_target = std::is_same_v<T, bool> || is_integer_target<T> || std::is_same_v<T, double> ||
                                       std::is_same_v<T, std::string_view> || std::is_same_v<T, VertexRef> ||
                                       std::is_same_v<T, std::chrono::sys_days> || std::is_same_v<T, LocalTime> ||
                                       std::is_same_v<T, Time> || std::is_same_v<T, LocalDateTime> || std::is_same_v<T, DateTime> ||
                                       std::is_same_v<T, Duration> || std::is_same_v<T, Point> || std::is_same_v<T, ValueRef>;

template <typename T>
constexpr ReadTarget read_target() {
    static_assert(is_read_target<T>,
                  "typed reads give bool, an integer type, double, std::string_view, VertexRef, sys_days, a 2.2 type or ValueRef");
    if constexpr (std::is_same_v<T, bool>) return {ReadTarget::boolean, 1};
    else if constexpr (is_integer_target<T>)
        return {std::is_signed_v<T> ? ReadTarget::signed_integer : ReadTarget::unsigned_integer, sizeof(T)};
    else if constexpr (std::is_same_v<T, double>) return {ReadTarget::floating, 8};
    else if constexpr (std::is_same_v<T, std::string_view>) return {ReadTarget::string, 0};
    else if constexpr (std::is_same_v<T, VertexRef>) return {ReadTarget::vertex_ref, 0};
    else if constexpr (std::is_same_v<T, std::chrono::sys_days>) return {ReadTarget::date, 0};
    else if constexpr (std::is_same_v<T, LocalTime>) return {ReadTarget::temporal, static_cast<uint8_t>(TypeCode::localtime)};
    else if constexpr (std::is_same_v<T, Time>) return {ReadTarget::temporal, static_cast<uint8_t>(TypeCode::time)};
    else if constexpr (std::is_same_v<T, LocalDateTime>) return {ReadTarget::temporal, static_cast<uint8_t>(TypeCode::localdatetime)};
    else if constexpr (std::is_same_v<T, DateTime>) return {ReadTarget::temporal, static_cast<uint8_t>(TypeCode::datetime)};
    else if constexpr (std::is_same_v<T, Duration>) return {ReadTarget::temporal, static_cast<uint8_t>(TypeCode::duration)};
    else if constexpr (std::is_same_v<T, Point>) return {ReadTarget::temporal, static_cast<uint8_t>(TypeCode::point)};
    else return {ReadTarget::any, 0};
}

}  // namespace detail

// A typed, null-aware view of one attribute value inside the mapping (zero-copy). Valid while
// its File lives; as_string() and as_bytes() view the mapping and live as long.
class ValueRef {
public:
    ValueRef() = default;
    ValueRef(Type type, const uint8_t* data, uint64_t size, uint64_t count)
        : type_(type), data_(data), size_(size), count_(count), present_(true) {}

    bool is_null() const { return !present_; }
    Type type() const { return type_; }

    bool as_bool() const;
    int64_t as_int() const;      // any integer type, sign- or zero-extended
    uint64_t as_uint() const;    // unsigned integer types
    double as_double() const;    // float32, float64
    std::string_view as_string() const;  // string (zero-copy)
    std::span<const uint8_t> as_bytes() const;  // bytes, or raw payload of any value
    VertexRef as_ref() const;
    // date: days since 1970-01-01 (spec §4.3), in -365961662..364522971 in a valid file. A
    // sys_days holds every one; std::chrono::year_month_day only years up to ±32767.
    int32_t as_date_days() const;
    std::chrono::sys_days as_date() const { return std::chrono::sys_days(std::chrono::days(as_date_days())); }
    // The types of 2.2, decoded (spec §4.3). A datetime's zone is a string id + 1 (0 = a fixed
    // offset): File::zone_name gives its name. format/temporal.hpp prints them as ISO 8601.
    LocalTime as_localtime() const;
    Time as_time() const;
    LocalDateTime as_localdatetime() const;
    DateTime as_datetime() const;
    Duration as_duration() const;
    Point as_point() const;

    // Lists: the item count and item access. Items of fixed-size lists are unaligned and found
    // in O(1); items of string[] and bytes[] lists carry their own lengths, so element(i) walks
    // the i items before it and elements() is the way to visit them all.
    uint64_t list_size() const { return count_; }
    ValueRef element(uint64_t i) const;
    std::vector<ValueRef> elements() const;

    // Typed reads, T one of bool, an integer type, double, std::string_view, VertexRef and
    // ValueRef (any value, lists included). The value's type must fit T: an integer type fits
    // when T holds all its values (int32 and uint32 fit int64_t, uint64 and int8 do not fit
    // uint32_t), float32 and float64 fit double, and bool, string and vertex_ref fit only their
    // own. as<T>() throws ErrorKind::misuse for a null value or a type that does not fit;
    // as_optional<T>() returns nullopt for a null value and throws for a type that does not fit.
    template <typename T>
    T as() const { return *read<T>(true, {}); }
    template <typename T>
    std::optional<T> as_optional() const { return read<T>(false, {}); }
    // Whether this value's type fits T (null or not).
    template <typename T>
    bool fits() const { return fits(detail::read_target<T>()); }

private:
    friend class Vertex;
    bool fits(detail::ReadTarget target) const noexcept;
    // The typed read behind as<T> and Vertex::get<T>; errors name the attribute when given.
    template <typename T>
    std::optional<T> read(bool required, std::string_view attribute) const {
        constexpr detail::ReadTarget target = detail::read_target<T>();
        if (!present_) {
            if (required) fail_read(target, attribute);
            return std::nullopt;
        }
        if (!fits(target)) fail_read(target, attribute);
        if constexpr (std::is_same_v<T, bool>) return as_bool();
        else if constexpr (detail::is_integer_target<T> && std::is_signed_v<T>) return static_cast<T>(as_int());
        else if constexpr (detail::is_integer_target<T>) return static_cast<T>(as_uint());
        else if constexpr (std::is_same_v<T, double>) return as_double();
        else if constexpr (std::is_same_v<T, std::string_view>) return as_string();
        else if constexpr (std::is_same_v<T, VertexRef>) return as_ref();
        else if constexpr (std::is_same_v<T, std::chrono::sys_days>) return as_date();
        else if constexpr (std::is_same_v<T, LocalTime>) return as_localtime();
        else if constexpr (std::is_same_v<T, Time>) return as_time();
        else if constexpr (std::is_same_v<T, LocalDateTime>) return as_localdatetime();
        else if constexpr (std::is_same_v<T, DateTime>) return as_datetime();
        else if constexpr (std::is_same_v<T, Duration>) return as_duration();
        else if constexpr (std::is_same_v<T, Point>) return as_point();
        else return *this;
    }
    [[noreturn]] void fail_read(detail::ReadTarget target, std::string_view attribute) const;
    void expect(bool ok, const char* wanted) const;
    Type type_;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
    uint64_t count_ = 0;
    bool present_ = false;
};

class File;
struct FileInternals;

namespace detail {
// Where the blocks of a flat record (§7) are, as File::for_each_edge reads them after its run:
// the block directory (none in a single-type file: one block of type 0), and the ordinals of
// the blocks whose type has properties, one after the other. Checked by RunSource::read_blocks.
struct RecordBlocks {
    const uint8_t* directory;  // B x {u32 word, u32 n}, or null
    uint64_t count;            // B
    const uint8_t* ordinals;
};

// A section's mapped bytes and the bounds check of every offset read from the file
// (reader/src/bounds.hpp's Region, which adds what its errors name, is one of these). Written so
// that it cannot overflow.
struct MappedBytes {
    const uint8_t* data = nullptr;
    uint64_t size = 0;
    // Whether the `len` bytes at `off` are all inside.
    bool holds(uint64_t off, uint64_t len) const noexcept { return len <= size && off <= size - len; }
    // Their address, or null when they are not all inside.
    const uint8_t* peek(uint64_t off, uint64_t len) const noexcept { return holds(off, len) ? data + off : nullptr; }
};

// A vertex's neighbours in one direction, as File::for_each_neighbour reads them: the packed
// entries of a flat record (§7, §7.2), bounds-checked: in 2.5 a stretch of the runs section's
// run (§7.3), before a record's own run. No member initializers: RunSource::read fills every
// field the walk uses, once per vertex.
struct NeighbourRun {
    const uint8_t* run;     // the run holding the entries: the record's own, or the runs section's
    uint64_t words;         // its 32-bit words
    uint64_t first_bit;     // the first entry's bit in the run (0 in a record's own run)
    uint64_t count;         // entries: the degree
    uint64_t loadable_bits; // an entry at a bit below this is read with one 8-byte load inside the section
    uint64_t record;        // for_each_edge's reads: domain offset of the directory and ordinals
    unsigned entry_bits;
    uint32_t entry_mask;
    uint16_t shard;
};

// What a walk of one direction's packed runs reads of the file (File::for_each_neighbour,
// File::for_each_edge, which reads the blocks after each run too, and the bottom-up step of
// mmgraph::bfs, which stops at the first parent), copied out once per walk so
// that the loop keeps it in registers and reads each vertex inline: in a graph that fits in
// cache, a call or a table of runs per vertex cost as much as the reads themselves.
struct RunSource {
    const uint8_t* slots = nullptr;  // this role's slot of vertex 0 (null: the file has no such role)
    uint64_t stride = 0, vertex_count = 0;  // vertex_count 0 without slots: every read is refused
    // A flat slot's domain id and tags (§5.1): the only kind read here.
    uint64_t flat_slot = 0;
    // A flat slot whose record's degree lies inside the domain, XOR flat_slot and rotated right
    // by 2, is below this: the offset's quarter, with any other domain id or tag above it. 0 in
    // an older file with a run per block, whose records the iterator reads.
    uint64_t record_quarters = 0;
    uint64_t domain_id = 0;
    MappedBytes domain;
    // A single-type record of the older layout has its ordinals in front of the run: a first
    // ordinal (out direction), or one per entry (in direction).
    uint64_t ordinal_bytes = 0, ordinal_bytes_per_entry = 0;
    unsigned entry_bits = 32;
    uint32_t entry_mask = 0;
    uint16_t shard = 0;
    bool hints = false;  // prefetch ahead: the walk's slots and records may not all be in cache
    // What read_blocks needs: the schema's edge types, which of them have properties (a
    // property table: index >= 0), and the direction, which decides their blocks' ordinals.
    uint64_t type_count = 0;
    const int32_t* table_of_type = nullptr;
    bool in_direction = false;
    // Since 2.5 (§7.3): the direction's starts (null in an older file) and run.
    // A single-shard walk of neighbours reads them alone; with several shards, and for the
    // blocks, the slot says whether the record is flat, and where it is.
    const uint8_t* starts = nullptr;
    unsigned start_bytes = 4;
    uint64_t run_capacity = 0;  // the most entries the run's words hold (open)
    MappedBytes runs;  // the run alone
    uint64_t run_loadable_bits = 0;  // NeighbourRun::loadable_bits of the whole run
    bool slots_decide = false;

    // The source for for_each_edge, which reads each record too: its hints fetch the slots.
    RunSource with_records() const noexcept {
        RunSource source = *this;
        source.slots_decide = starts != nullptr;
        return source;
    }

    // Vertex `index`'s entries from the runs section, with the checks of the iterator's reads:
    // the starts in order and within the run's capacity, and, when the slot is read
    // (with_record, or slots_decide), the slot's domain and tags, entries exactly for a flat
    // slot and the record's offset inside the domain. False for what fails one, and for a
    // grouped record (the iterator reads it). A single-shard walk of neighbours reads the starts
    // alone: the iterator holds the slot to them (entries exactly for a flat slot), so wherever
    // it succeeds that walk gives the same neighbours.
    [[gnu::always_inline]] bool read_apart(uint32_t index, NeighbourRun& run, bool with_record) const noexcept {
        const uint64_t first = format::runs_start(starts, start_bytes == 8, index);
        const uint64_t end = format::runs_start(starts, start_bytes == 8, uint64_t{index} + 1);
        if (first > end || end > run_capacity) return false;
        if (with_record || slots_decide) {
            const uint64_t value = format::load<uint64_t>(slots + index * stride);
            if (value == 0) return first == end;
            if ((value & ~format::kSlotOffsetMask) != flat_slot || first == end) return false;
            run.record = value & format::kSlotOffsetMask;
            if (run.record > domain.size) return false;
        }
        // end <= capacity, the entries the run's words hold (open): no overflow, all inside.
        // The walk counts bits from the run's start, so nothing here depends on where in it
        // the vertex's entries lie but their first bit.
        run.run = runs.data;
        run.words = runs.size / 4;
        run.first_bit = first * entry_bits;
        run.count = end - first;
        run.loadable_bits = run_loadable_bits;
        return true;
    }

    // Reads vertex `index`'s run, with the checks of what the walk reads, made without
    // throwing: the slot's value (its domain, its tags: flat, nothing reserved), the degree (not
    // 0) and the run inside the domain. False for what fails one, and for a record of several
    // runs (record_quarters 0): the iterator walks it then, and its checks report what is wrong.
    // This path only ever accepts what they accept. An empty record (slot 0) reads as count 0.
    // `with_record`: also find the record's directory and ordinals (for_each_edge), which in
    // 2.5 means reading the slot.
    [[gnu::always_inline]] bool read(uint32_t index, NeighbourRun& run, bool with_record = false) const noexcept {
        run.run = nullptr;
        run.words = run.count = run.loadable_bits = run.first_bit = run.record = 0;
        run.entry_bits = entry_bits;
        run.entry_mask = entry_mask;
        run.shard = shard;
        // The slot table's length was checked at open: every vertex's slots are inside it.
        if (index >= vertex_count) return false;
        if (starts) return read_apart(index, run, with_record);
        const uint64_t value = format::load<uint64_t>(slots + index * stride);
        if (value == 0) return true;
        // The slot's domain, its tags and the degree's bounds in one comparison: a graph in
        // cache pays for every instruction per vertex.
        const uint64_t quarter = std::rotr(value ^ flat_slot, 2);
        if (quarter >= record_quarters) return false;
        const uint64_t off = quarter * 4;
        const uint64_t degree = format::load<uint32_t>(domain.data + off);
        if (degree == 0) return false;
        // off < 2^48 and degree < 2^32: no overflow.
        uint64_t at = off + 4 + ordinal_bytes;
        if (ordinal_bytes_per_entry != 0) [[unlikely]]
            at += ordinal_bytes_per_entry * degree;
        const uint64_t bytes = format::packed_bytes(degree, entry_bits);
        if (!domain.holds(at, bytes)) return false;
        run.run = domain.data + at;
        run.words = bytes / 4;
        run.count = degree;
        const uint64_t room = domain.size - at;
        run.loadable_bits = room < 8 ? 0 : 8 * (room - 8) + 8;
        run.record = at + bytes;
        return true;
    }

    // The ordinals a block of `type` carries in this direction (§7).
    [[gnu::always_inline]] format::Ordinals ordinals_of(uint32_t type) const noexcept {
        return format::block_ordinals(table_of_type[type] >= 0, in_direction);
    }
    // The blocks of the record whose run read() has just read, checked as the iterator checks
    // them: the directory's rules (§7: 1 <= B <= min(D, T), types ascending and known, counts
    // not 0 and summing to D, no group count in a flat record) and every ordinal inside the
    // domain. False for what fails one; the iterator then reports it. Not for an empty record.
    [[gnu::always_inline]] bool read_blocks(const NeighbourRun& run, RecordBlocks& blocks) const noexcept {
        if (type_count == 0) return false;  // no table of types: nothing to tell ordinals by
        blocks.directory = nullptr;
        blocks.count = 1;
        if (ordinal_bytes != 0 || ordinal_bytes_per_entry != 0) {  // the older single-type layout, checked by read()
            blocks.ordinals = run.run - ordinal_bytes - ordinal_bytes_per_entry * run.count;
            return true;
        }
        uint64_t at = run.record;
        if (type_count == 1) {
            blocks.ordinals = domain.data + at;
            return domain.holds(at, format::ordinal_bytes(ordinals_of(0), run.count));
        }
        const uint8_t* count = domain.peek(at, 4);
        if (!count) return false;
        const uint64_t b = format::load<uint32_t>(count);
        if (b == 0 || b > run.count || b > type_count || !domain.holds(at + 4, 8 * b)) return false;
        blocks.directory = domain.data + at + 4;
        blocks.count = b;
        uint64_t total = 0, ordinals = 0;
        int64_t previous = -1;
        for (uint64_t i = 0; i < b; ++i) {
            const uint32_t word = format::load<uint32_t>(blocks.directory + 8 * i);
            const uint64_t n = format::load<uint32_t>(blocks.directory + 8 * i + 4);
            const uint32_t type = word & format::kBlockTypeMask;
            if (type >= type_count || static_cast<int64_t>(type) <= previous || n == 0 || (word >> format::kBlockGroupsShift) != 0) return false;
            previous = type;
            total += n;
            ordinals += format::ordinal_bytes(ordinals_of(type), n);
        }
        at += 4 + 8 * b;
        blocks.ordinals = domain.data + at;
        return total == run.count && domain.holds(at, ordinals);
    }

    // Prefetch distances of a frontier walk, in frontier positions (measured on a scale-20
    // R-MAT BFS: see bench/README.md). The record's prefetch reads the slot, so it trails the
    // slot's.
    static constexpr size_t kSlotDistance = 16;
    static constexpr size_t kRecordDistance = 8;
    // The hints of a frontier walk at position i: at the start the slots of the first vertices,
    // then the slot of the vertex kSlotDistance places ahead and the record of the one
    // kRecordDistance ahead, so that the two dependent misses of successive vertices overlap
    // instead of following one another.
    [[gnu::always_inline]] void prefetch_ahead(std::span<const uint32_t> vertices, size_t i) const noexcept {
        if (!hints) return;
        const size_t n = vertices.size();
        if (i == 0)
            for (size_t j = 0; j < n && j < kSlotDistance; ++j) prefetch_slot(vertices[j]);
        if (i + kSlotDistance < n) prefetch_slot(vertices[i + kSlotDistance]);
        if (i + kRecordDistance < n) prefetch_record(vertices[i + kRecordDistance]);
    }
    // Hints that never fault: an index out of range, an empty slot or one into another domain
    // mean no prefetch.
    [[gnu::always_inline]] void prefetch_slot(uint32_t index) const noexcept {
        if (index >= vertex_count) return;
        if (starts) __builtin_prefetch(starts + uint64_t{index} * start_bytes, 0, 3);
        if (!starts || slots_decide) __builtin_prefetch(slots + index * stride, 0, 3);
    }
    // The start of the record (reading its slot): two lines when the record has them, as a
    // record of several blocks (directory, ordinals) often does.
    [[gnu::always_inline]] void prefetch_record(uint32_t index) const noexcept {
        if (index >= vertex_count) return;
        if (starts) {  // the entries, from the start read ahead (§7.3)
            const uint64_t first = format::runs_start(starts, start_bytes == 8, index);
            if (first <= run_capacity)
                if (const uint8_t* line = runs.peek(first * entry_bits / 32 * 4, 1)) __builtin_prefetch(line, 0, 3);
            if (!slots_decide) return;
        }
        const uint64_t value = format::load<uint64_t>(slots + index * stride);
        if (value == 0 || (value >> format::kSlotDomainShift) != domain_id) return;
        const uint64_t off = value & format::kSlotOffsetMask;
        if (const uint8_t* two_lines = domain.peek(off, 128)) {
            __builtin_prefetch(two_lines, 0, 3);
            __builtin_prefetch(two_lines + 64, 0, 3);
        } else if (const uint8_t* line = domain.peek(off, 1)) {
            __builtin_prefetch(line, 0, 3);
        }
    }
};
}  // namespace detail

// A precomputed (label, attribute) pair: reading through it skips the name search.
struct AttributeHandle {
    uint32_t label = 0;
    uint32_t index = 0;
};

struct Edge {
    VertexRef target;      // the other endpoint: target of an out-edge, source of an in-edge
    uint32_t type = 0;     // edge type id
    Direction direction = Direction::out;
    uint64_t ordinal = 0;  // row in the owning shard's property table (types with properties)
};

// One vertex's adjacency record (§7) in one direction, in stored order: by type, shard, index.
// A range and its iterators read the mapping: they stay valid while the File lives, and an
// iterator does not depend on the range it came from (`auto it = v.edges(d).begin()` is fine).
class EdgeRange {
public:
    // One per-type block of the record (§7), for tools that show the layout: its geometry
    // (format/adjacency.hpp; `groups` is 0 for flat blocks and single-type records) and type.
    struct Block : format::BlockLayout {
        uint32_t type = 0;
    };

    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Edge;
        using difference_type = std::ptrdiff_t;
        using pointer = const Edge*;
        using reference = const Edge&;

        iterator() = default;
        const Edge& operator*() const { return edge_; }
        const Edge* operator->() const { return &edge_; }
        // Inside a flat block (every entry local, §7) the step decodes the next packed entry
        // from bytes that enter_block bounds-checked as a whole; everything else is out of line.
        iterator& operator++() {
            --remaining_;
            if (flat_next_ < flat_count_) {
                set_target(shard_, format::packed_entry(run_, run_words_, flat_next_++, entry_bits_, entry_mask_));
                if (ordinal_) {
                    ordinal_ += 8;
                    edge_.ordinal = format::load<uint64_t>(ordinal_);
                } else {
                    ++edge_.ordinal;
                }
            } else {
                step();
            }
            return *this;
        }
        iterator operator++(int) { auto copy = *this; ++*this; return copy; }
        bool operator==(const iterator& other) const { return remaining_ == other.remaining_; }

    private:
        friend class EdgeRange;
        // The target as one 8-byte store: a caller that then reads the whole VertexRef (copying
        // the Edge, or e.target) gets it forwarded from that store, where a 4-byte store of the
        // index alone made every such read wait for the store to reach the cache.
        void set_target(uint16_t shard, uint32_t index) {
            static_assert(sizeof(VertexRef) == 8 && offsetof(VertexRef, shard) == 0 && offsetof(VertexRef, index) == 4);
            const uint64_t both = uint64_t{index} << 32 | shard;  // little-endian host (format/endian.hpp)
            edge_.target = std::bit_cast<VertexRef>(both);
        }
        void load();                            // decode the grouped entry at cursor_ into edge_
        void enter_block(const Block& block);
        void step();                            // past the end of a flat block, or any step in a grouped record
        const File* file_ = nullptr;
        uint64_t remaining_ = 0;      // entries left in this range, current included
        uint64_t directory_ = 0;      // domain offset of the record's block directory entry 0
        uint32_t block_index_ = 0;    // the current block's index in the record's block directory
        bool local_ = true;           // flat record
        format::BlockLayout block_;   // the current block
        uint64_t block_left_ = 0;     // entries left in the current block, current included
        uint64_t block_pos_ = 0;      // position of the current entry within its block
        uint64_t cursor_ = 0;         // offset of the current entry word in the domain (grouped)
        uint16_t shard_ = 0;          // shard of the current group, or this shard's in a flat block
        const uint8_t* data_ = nullptr;      // the domain's bytes (cursor_ is an offset into it)
        const uint8_t* entry_ = nullptr;     // the current entry of a grouped block
        const uint8_t* run_ = nullptr;       // a flat block's packed entries
        uint64_t run_words_ = 0;             // ... their 32-bit words
        uint64_t flat_next_ = 0;             // ... the next entry to decode
        uint64_t flat_count_ = 0;            // ... the entries (0 in a grouped block)
        unsigned entry_bits_ = 32;
        uint32_t entry_mask_ = 0;
        const uint8_t* ordinal_ = nullptr;   // the current in-direction ordinal, or null
        Edge edge_;
    };

    EdgeRange() = default;
    iterator begin() const;
    iterator end() const { return iterator(); }
    uint64_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    bool local() const { return local_; }  // flat: packed local ids, no group headers
    std::span<const Block> blocks() const { return blocks_.view(); }

    // The targets of the whole range at once, for a flat range (local(): every target is in this
    // file's shard): out[k] = the local index of the k-th edge's target, as the iterator gives it
    // in edge.target.index, for k < size(); out[size()...] is left alone. Each block's packed run
    // (§7.2) is decoded in one pass (format::unpack_entries) after the bounds checks the iterator
    // makes on entering the block, in its order and with its errors, so a damaged record throws
    // here what iterating it would throw. Several times faster than the iterator where only the
    // targets are wanted (a CSR, a BFS level). Returns the largest index written (0 for an empty
    // range): like the iterator's, the indices are not checked against vertex_count() (verify()
    // checks them), and a caller that needs them to name vertices compares this one value.
    // Throws ErrorKind::misuse when the range is not local() or `out` is shorter than size().
    uint32_t local_targets(std::span<uint32_t> out) const;
    // The same, as out[k] = base + local index: a CSR's indices in a dataset's global numbering
    // (base: the first global index of this file's shard).
    uint32_t local_targets(std::span<int64_t> out, int64_t base) const;

    // The k-th edge in iteration order. O(1) in the number of entries for flat records (O(the
    // number of blocks)); a grouped block is walked up to the entry. Both forms check k and
    // throw mmgraph::Error (misuse) when k >= size().
    Edge at(uint64_t k) const;
    Edge operator[](uint64_t k) const { return at(k); }

private:
    friend class Vertex;
    template <typename T>
    uint32_t decode_local_targets(std::span<T> out, T base) const;
    // The blocks to walk (one type, or all): inline for the common few types, so walking a
    // vertex's edges allocates nothing.
    // The inline blocks are not initialised before push_back: a range is made for every vertex
    // walked, and zeroing four blocks took a fifth of making one (measured on csr()).
    class Blocks {
    public:
        Blocks() {}  // NOLINT: leaves inline_ unset on purpose
        void push_back(const Block& b) {
            if (size_ < kInline) {
                inline_[size_++] = b;  // Block is trivially copyable: the assignment starts its lifetime
                return;
            }
            if (size_ == kInline) spilled_.assign(inline_, inline_ + kInline);
            spilled_.push_back(b);
            ++size_;
        }
        // A new last block, to be filled in.
        Block& emplace_back() {
            if (size_ < kInline) return *::new (static_cast<void*>(&inline_[size_++])) Block;
            push_back(Block());
            return spilled_.back();
        }
        void clear() { size_ = 0; spilled_.clear(); }
        std::span<const Block> view() const {
            return size_ <= kInline ? std::span<const Block>(inline_, size_) : std::span<const Block>(spilled_);
        }
    private:
        static constexpr size_t kInline = 4;
        static_assert(std::is_trivially_copyable_v<Block>);
        union {
            Block inline_[kInline];
        };
        std::vector<Block> spilled_;  // all blocks, once there are more than kInline
        size_t size_ = 0;
    };
    const File* file_ = nullptr;
    Direction direction_ = Direction::out;
    bool local_ = true;
    uint64_t count_ = 0;
    uint64_t directory_ = 0;     // domain offset of the record's block directory entry 0
    uint32_t first_block_ = 0;   // directory index of blocks()[0]
    Blocks blocks_;
};

// One attribute of a vertex: for (auto [name, value] : vertex.attributes()) ...
struct NamedValue {
    std::string_view name;
    ValueRef value;
};

class AttributeRange;

// A vertex of one File: a file pointer and an index, cheap to copy, valid while the File lives.
class Vertex {
public:
    Vertex() = default;
    Vertex(const File* file, uint32_t index) : file_(file), index_(index) {}

    uint32_t index() const { return index_; }
    VertexRef ref() const;
    const File& file() const { return *file_; }

    Key key() const;
    std::string key_string() const { return key_to_string(key()); }
    // The vertex's labels (spec §6.6), ascending; one in a file without label sets. label() is
    // the first of them (the lowest id), its only label when it has one; label_set() is the id
    // File::label_set_labels() and label_set_layout() take, equal to label() for one label.
    uint32_t label() const;
    std::string_view label_name() const;  // label()'s name
    uint32_t label_set() const;
    std::span<const uint32_t> labels() const;  // views the File's tables
    bool has_label(uint32_t label) const;      // O(1)
    IdSpace id_space() const;                  // its key's ID space (§8.3); 0 the default
    uint32_t node_type() const;

    // Attributes are those of the vertex's label set: every attribute of every label it carries
    // (File::label_set_layout(label_set()).attributes, spec §4.2).
    ValueRef get(uint32_t attribute) const;  // attribute index within the vertex's label set layout
    ValueRef get(std::string_view name) const;  // throws if none of its labels has such an attribute
    ValueRef get(AttributeHandle handle) const;  // throws if the vertex lacks the handle's label

    // Typed reads (ValueRef::as<T> lists the types T and which attribute types fit them):
    // get<T> throws ErrorKind::misuse when the value is null or its type does not fit T;
    // get_if<T> returns nullopt for a null value, and throws as get<T> for a type that does not
    // fit. A name the label lacks, or a handle of another label, throws as get() does.
    //     int64_t age = v.get<int64_t>("age");
    //     std::optional<std::string_view> nick = v.get_if<std::string_view>("nickname");
    template <typename T>
    T get(std::string_view name) const { return *get(name).read<T>(true, name); }
    template <typename T>
    T get(AttributeHandle handle) const { return *get(handle).read<T>(true, attribute_name(handle)); }
    template <typename T>
    std::optional<T> get_if(std::string_view name) const { return get(name).read<T>(false, name); }
    template <typename T>
    std::optional<T> get_if(AttributeHandle handle) const { return get(handle).read<T>(false, attribute_name(handle)); }

    // The vertex's attributes in schema order, as (name, value) pairs, null values included;
    // each step reads one value as get(index) does.
    //     for (auto [name, value] : v.attributes()) ...
    AttributeRange attributes() const;

    uint64_t degree(Direction direction) const;
    uint64_t degree(Direction direction, uint32_t edge_type) const;
    EdgeRange edges(Direction direction) const;
    EdgeRange edges(Direction direction, uint32_t edge_type) const;

    // Domain offsets of this vertex's records (for tools that show bytes), 0 when absent.
    struct Slots {
        uint64_t slot_offset = 0;  // file offset of the vertex's slot array
        uint64_t node = 0, out = 0, in = 0;  // raw slot values
    };
    Slots slots() const;

private:
    friend class File;
    std::string_view attribute_name(AttributeHandle handle) const;
    const File* file_ = nullptr;
    uint32_t index_ = 0;
};

// Vertex::attributes(): the vertex and its label's schema. The iterators hold both and do not
// point into the range.
class AttributeRange {
public:
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = NamedValue;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = NamedValue;
        iterator() = default;
        iterator(Vertex vertex, const LabelInfo* label, uint32_t index) : vertex_(vertex), label_(label), index_(index) {}  // label: the set's layout
        NamedValue operator*() const { return {label_->attributes[index_].name, vertex_.get(index_)}; }
        iterator& operator++() { ++index_; return *this; }
        iterator operator++(int) { auto copy = *this; ++index_; return copy; }
        bool operator==(const iterator& other) const { return index_ == other.index_; }
    private:
        Vertex vertex_;
        const LabelInfo* label_ = nullptr;
        uint32_t index_ = 0;
    };
    iterator begin() const { return {vertex_, label_, 0}; }
    iterator end() const { return {vertex_, label_, size()}; }
    uint32_t size() const { return static_cast<uint32_t>(label_->attributes.size()); }

private:
    friend class Vertex;
    AttributeRange(const Vertex& vertex, const LabelInfo& label) : vertex_(vertex), label_(&label) {}
    Vertex vertex_;
    const LabelInfo* label_;
};

class File {
public:
    static std::shared_ptr<const File> open(const std::filesystem::path& path, ReaderOptions options = {});
    ~File();
    File(const File&) = delete;
    File& operator=(const File&) = delete;

    const std::filesystem::path& path() const;
    uint16_t version_major() const;
    uint16_t version_minor() const;
    uint64_t file_size() const;
    std::array<uint8_t, 16> dataset_id() const;
    uint16_t shard_id() const;
    uint16_t shard_count() const;
    uint64_t vertex_count() const;
    uint64_t edge_count() const;
    bool has_in_edges() const;
    KeyType key_type() const;

    std::span<const SectionInfo> sections() const;
    std::span<const LabelInfo> labels() const;
    std::span<const LabelInfo> edge_types() const;
    std::span<const NodeTypeInfo> node_types() const;
    // Label sets (spec §6.6): ids below labels().size() are the labels alone; label_sets()[i]
    // has the id labels().size() + i. The spans view the File's tables.
    std::span<const LabelSetInfo> label_sets() const;
    uint32_t label_set_count() const;  // labels().size() + label_sets().size()
    std::span<const uint32_t> label_set_labels(uint32_t set) const;  // throws misuse past the count
    const LabelInfo& label_set_layout(uint32_t set) const;           // the attributes of its vertices
    bool label_set_has(uint32_t set, uint32_t label) const;          // O(1)
    std::optional<uint32_t> find_label(std::string_view name) const;
    std::optional<uint32_t> find_edge_type(std::string_view name) const;
    // ID spaces (spec §8.1, §8.3): the names of spaces 1..S (empty without named spaces), views
    // into the mapping; id_space(name) gives a name's space, nullopt for a name the file lacks.
    std::span<const std::string_view> id_space_names() const;
    std::optional<IdSpace> id_space(std::string_view name) const;
    const uint8_t* data() const;  // the mapping, file_size() bytes
    // The IANA zone name a datetime's zone field stands for (§4.3): empty for 0 (a fixed
    // offset), else string zone - 1 of the string table; throws ErrorKind::damaged past the
    // table. The view lives as long as the File.
    std::string_view zone_name(uint32_t zone) const;

    Vertex vertex(uint64_t index) const;  // throws when index >= vertex_count()

    // All vertices in index order: for (Vertex v : file->vertices()) ...
    class VertexRange {
    public:
        class iterator {
        public:
            using iterator_category = std::forward_iterator_tag;
            using value_type = Vertex;
            using difference_type = std::ptrdiff_t;
            using pointer = void;
            using reference = Vertex;
            iterator() = default;
            iterator(const File* file, uint64_t index) : file_(file), index_(index) {}
            Vertex operator*() const { return Vertex(file_, static_cast<uint32_t>(index_)); }
            iterator& operator++() { ++index_; return *this; }
            iterator operator++(int) { auto copy = *this; ++index_; return copy; }
            bool operator==(const iterator& other) const { return index_ == other.index_; }
        private:
            const File* file_ = nullptr;
            uint64_t index_ = 0;
        };
        VertexRange(const File* file, uint64_t count) : file_(file), count_(count) {}
        iterator begin() const { return {file_, 0}; }
        iterator end() const { return {file_, count_}; }
        uint64_t size() const { return count_; }
    private:
        const File* file_;
        uint64_t count_;
    };
    VertexRange vertices() const { return {this, vertex_count()}; }

    // The vertices of one label, in index order: for (Vertex v : file->vertices(label)) ...
    // A shard keeps its vertices in the order they were added, labels mixed (§10), so the range
    // is a filter: each step reads the node type of the vertices it passes, and a full walk
    // costs O(index of the label's last vertex), however few vertices the label has. It stops
    // after the label's count of the schema. Throws ErrorKind::misuse for a label id not below
    // labels().size(); find_label() gives the id of a name.
    class LabelVertexRange {
    public:
        class iterator {
        public:
            using iterator_category = std::forward_iterator_tag;
            using value_type = Vertex;
            using difference_type = std::ptrdiff_t;
            using pointer = void;
            using reference = Vertex;
            iterator() = default;
            Vertex operator*() const { return Vertex(file_, static_cast<uint32_t>(index_)); }
            iterator& operator++() {
                ++index_;
                if (--remaining_ > 0) seek();
                return *this;
            }
            iterator operator++(int) { auto copy = *this; ++*this; return copy; }
            bool operator==(const iterator& other) const { return remaining_ == other.remaining_; }
        private:
            friend class LabelVertexRange;
            void seek();  // to the first vertex of the label at or after index_, or the end
            const File* file_ = nullptr;
            uint32_t label_ = 0;
            uint64_t index_ = 0;
            uint64_t remaining_ = 0;  // vertices of the label from here on, current included
        };
        iterator begin() const;
        iterator end() const { return iterator(); }
        uint32_t label() const { return label_; }
    private:
        friend class File;
        LabelVertexRange(const File* file, uint32_t label) : file_(file), label_(label) {}
        const File* file_;
        uint32_t label_;
    };
    LabelVertexRange vertices(uint32_t label) const;

    // Throws when the label or attribute does not exist.
    AttributeHandle attribute_handle(std::string_view label, std::string_view attribute) const;
    std::optional<Vertex> find(const Key& key) const;  // by external key, O(1) (§8.1), in ID space 0
    std::optional<Vertex> find(const Key& key, IdSpace space) const;  // the key in that space; nullopt past the file's spaces

    // Many lookups at once: out[i] = find(keys[i]) for every i, with the same results (nullopt
    // for absent keys and keys of the other type) and the same errors. Throws when the spans'
    // sizes differ. Faster than a loop of find(key) when the key table is not in cache: one
    // lookup is a chain of dependent cache misses (home slot, vertex slot, node record), and
    // this walks groups of keys through the chain stage by stage, prefetching what the next
    // stage reads, so that the misses of different keys overlap. It also prefetches each found
    // vertex's out-edges record, which a caller reading degrees or neighbours needs next.
    void find(std::span<const Key> keys, std::span<std::optional<Vertex>> out) const;
    void find(std::span<const Key> keys, IdSpace space, std::span<std::optional<Vertex>> out) const;  // every key in `space`

    // Visits the edges of every vertex in `vertices`, in the order given, calling
    // visit(vertex index, const Edge&) exactly as the loop
    //     for (uint32_t v : vertices) for (const Edge& e : vertex(v).edges(direction)) visit(v, e);
    // would: the same edges in the same order, the same checks and errors. Faster on a large
    // frontier (a BFS level): walking one vertex costs two dependent cache misses (its slot,
    // then its record's first bytes), and this prefetches both some vertices ahead
    // (detail::RunSource::prefetch_ahead), so the misses of successive vertices overlap instead
    // of following one another.
    //
    // A flat record (every target in this shard) that passes every check is walked inline, its
    // run, directory and ordinals read where they lie (RunSource::read, read_blocks), without
    // the iterator's work per block and per edge; any other record goes through the iterator,
    // which fails where the loop above fails.
    template <typename Visit>
    void for_each_edge(std::span<const uint32_t> vertices, Direction direction, Visit&& visit) const {
        const detail::RunSource source = run_source(direction).with_records();
        for (size_t i = 0; i < vertices.size(); ++i) {
            source.prefetch_ahead(vertices, i);
            visit_edges(vertices[i], direction, source, visit);
        }
    }

    // Visits every edge of the file, calling visit(source index, const Edge&) as the loop
    //     for (Vertex v : vertices()) for (const Edge& e : v.edges(direction)) visit(v.index(), e);
    // would: vertices in index order, each vertex's edges in stored order. For the in direction
    // the "source" is the vertex holding the in-edge (its target), and edge.target the other end.
    template <typename Visit>
    void for_each_edge(Direction direction, Visit&& visit) const {
        const detail::RunSource source = run_source(direction).with_records();
        const uint64_t n = vertex_count();
        for (uint64_t v = 0; v < n; ++v) visit_edges(static_cast<uint32_t>(v), direction, source, visit);
    }

    // Visits the neighbours of every vertex in `vertices`, in the order given, calling
    // visit(vertex index, VertexRef neighbour) for each of its edges as
    //     for_each_edge(vertices, direction, [&](uint32_t v, const Edge& e) { visit(v, e.target); })
    // would: the same neighbours in the same order, with for_each_edge's prefetching, wherever
    // that loop succeeds. For a search that needs neither edge types nor ordinals (a BFS level):
    // in a single-shard file of format 2.5 this reads each vertex's two starts and its entries
    // in the direction's runs section (§7.3), as a CSR is read, never the vertex's slots or
    // record; in a file of several shards it reads the slot too, to tell a flat record; in 2.3
    // and 2.4 a flat record keeps its entries in one packed run right after its degree, and
    // this reads the slot, the degree and that run. Those reads are checked; what fails a check,
    // a grouped record, and a multi-type flat record of 2.2 or older are walked with the
    // iterator instead, which reports what is wrong as for_each_edge does. So damage the walk
    // does not read (a slot, a block directory whose counts do not add up, ordinals past the
    // domain) is not reported here: for_each_edge and verify() report it.
    template <typename Visit>
    void for_each_neighbour(std::span<const uint32_t> vertices, Direction direction, Visit&& visit) const {
        const detail::RunSource& source = run_source(direction);
        if (!source.starts || source.slots_decide) {  // the slots decide (several shards, 2.4 and older)
            visit_frontier_records(vertices, direction, source, visit);
            return;
        }
        // A single-shard 2.5 file: the runs section alone (§7.3), each vertex's two starts, what
        // the loop needs held in locals, so that it is a CSR's loop. Its one call of `visit`:
        // with more call sites the compiler stopped inlining a large visitor (mmgraph::bfs's).
        const uint8_t* const starts = source.starts;
        const uint8_t* const entries = source.runs.data;
        const bool wide_starts = source.start_bytes == 8;
        const uint64_t count = source.vertex_count, capacity = source.run_capacity;
        const uint64_t words = source.runs.size / 4, loadable = source.run_loadable_bits;
        const unsigned bits = source.entry_bits;
        const uint32_t mask = source.entry_mask;
        const uint64_t shard = source.shard;
        const bool hints = source.hints;
        for (size_t i = 0; i < vertices.size(); ++i) {
            if (hints) source.prefetch_ahead(vertices, i);
            const uint32_t v = vertices[i];
            uint64_t first = 1, end = 0;  // a vertex out of range goes to the iterator, which says so
            if (v < count) {  // every vertex's starts lie inside the section (open)
                first = format::runs_start(starts, wide_starts, v);
                end = format::runs_start(starts, wide_starts, uint64_t{v} + 1);
            }
            if (first > end || end > capacity) [[unlikely]] {
                visit_neighbours_by_iterator(v, direction, visit);
                continue;
            }
            for (uint64_t bit = first * bits, stop = end * bits; bit < stop; bit += bits) {
                const uint32_t index = bit < loadable ? format::packed_entry_loaded(entries, bit, mask) : format::packed_entry_at(entries, words, bit, mask);
                visit(v, std::bit_cast<VertexRef>(uint64_t{index} << 32 | shard));
            }
        }
    }
    // The same for every vertex of the file, in index order (which reads the slots front to
    // back: no hints).
    template <typename Visit>
    void for_each_neighbour(Direction direction, Visit&& visit) const {
        const detail::RunSource source = run_source(direction);
        const uint64_t count = vertex_count();
        for (uint64_t v = 0; v < count; ++v) {
            detail::NeighbourRun run;
            const bool in_run = source.read(static_cast<uint32_t>(v), run);
            visit_neighbours(static_cast<uint32_t>(v), direction, in_run, run, visit);
        }
    }

    // Edge properties live in the source shard's table; for an in-edge from another shard
    // use Dataset::property.
    ValueRef property(const Edge& edge, uint32_t property) const;
    // By name: throws ErrorKind::misuse when the edge's type has no property of that name.
    ValueRef property(const Edge& edge, std::string_view name) const;

    // The deep check (§12): throws mmgraph::Error describing the first problem found.
    void verify() const;
    // The same checks, collecting problems instead of stopping at the first, with progress and
    // cancel. Findings are per structure: a section's checksum, a gap, each vertex's node record,
    // key lookup and adjacency records, each count, each edge property table, the key table,
    // the layout rules; each reports its first problem, and a damaged record does not make the
    // records after it fail (placement and ordinals pick up again after it, and the totals it
    // leaves unknown are not compared). A complete report is ok() exactly when verify() passes,
    // and its first finding is then verify()'s error. Throws only what verify() throws for
    // reasons other than the file's content (none today).
    VerifyReport verify_all(const VerifyOptions& options = {}) const;

    // What open() parsed; defined in reader/src/internal.hpp, which is not installed.
    struct Impl;

private:
    // The reader's own classes read the parsed tables directly; other reader sources reach
    // them through impl_of() in internal.hpp.
    friend class Vertex;
    friend class EdgeRange;
    friend class EdgeRange::iterator;
    friend struct FileInternals;
    const Impl& impl() const { return *impl_; }

    // What for_each_neighbour reads of `direction`'s slots and domain, and what the hints of both
    // frontier walks read (RunSource); never throws.
    const detail::RunSource& run_source(Direction direction) const noexcept;

    // One call of `visit` in the loop, and the iterator's walk out of line: with more call
    // sites the compiler stopped inlining a large visitor (mmgraph::bfs's) and called it per
    // neighbour.
    template <typename Visit>
    void visit_neighbours(uint32_t v, Direction direction, bool in_run, const detail::NeighbourRun& run, Visit& visit) const {
        if (!in_run) [[unlikely]] {
            visit_neighbours_by_iterator(v, direction, visit);
            return;
        }
        // Locals, as visit_edges explains; the target as one 8-byte value, as set_target does.
        const unsigned bits = run.entry_bits;
        const uint32_t mask = run.entry_mask;
        const uint64_t shard = run.shard;
        const uint8_t* entries = run.run;
        const uint64_t words = run.words;
        // Counted in bits: the loop keeps fewer values live beside the visitor's.
        for (uint64_t bit = run.first_bit, loadable = run.loadable_bits, end = bit + run.count * bits; bit < end; bit += bits) {
            const uint32_t index = bit < loadable ? format::packed_entry_loaded(entries, bit, mask) : format::packed_entry_at(entries, words, bit, mask);
            visit(v, std::bit_cast<VertexRef>(uint64_t{index} << 32 | shard));
        }
    }
    // for_each_neighbour where the slots decide: each vertex's run through RunSource::read, out
    // of line, so that the visitor keeps one call site in the caller's loop.
    template <typename Visit>
    [[gnu::noinline]] void visit_frontier_records(std::span<const uint32_t> vertices, Direction direction, const detail::RunSource& shared,
                                                  Visit& visit) const {
        const detail::RunSource source = shared;  // a copy the loop can keep in registers
        for (size_t i = 0; i < vertices.size(); ++i) {
            source.prefetch_ahead(vertices, i);
            detail::NeighbourRun run;
            const bool in_run = source.read(vertices[i], run);
            visit_neighbours(vertices[i], direction, in_run, run, visit);
        }
    }
    template <typename Visit>
    [[gnu::noinline, gnu::cold]] void visit_neighbours_by_iterator(uint32_t v, Direction direction, Visit& visit) const {
        for (const Edge& edge : vertex(v).edges(direction)) visit(v, edge.target);
    }

    // for_each_edge's walk of one vertex: its run, directory and ordinals read inline
    // (RunSource::read, read_blocks), or for what they refuse the iterator: the same edges,
    // ordinals and errors either way.
    template <typename Visit>
    void visit_edges(uint32_t v, Direction direction, const detail::RunSource& source, Visit& visit) const {
        detail::NeighbourRun run;
        detail::RecordBlocks blocks;
        if (!source.read(v, run, true)) [[unlikely]] {
            visit_edges_by_iterator(v, direction, visit);
            return;
        }
        if (run.count == 0) return;
        if (!source.read_blocks(run, blocks)) [[unlikely]] {
            visit_edges_by_iterator(v, direction, visit);
            return;
        }
        Edge edge;
        edge.direction = direction;
        // Locals, not the run's fields: the visitor's stores could alias them and force a
        // reload per edge.
        const unsigned bits = run.entry_bits;
        const uint32_t mask = run.entry_mask;
        const uint64_t shard = run.shard;
        const uint8_t* entries = run.run;
        const uint8_t* ordinals = blocks.ordinals;
        uint64_t bit = run.first_bit;
        const uint64_t loadable = run.loadable_bits;
        for (uint64_t b = 0; b < blocks.count; ++b) {
            uint32_t type = 0;
            uint64_t count = run.count;
            if (blocks.directory) {
                type = format::load<uint32_t>(blocks.directory + 8 * b) & format::kBlockTypeMask;
                count = format::load<uint32_t>(blocks.directory + 8 * b + 4);
            }
            // A block's ordinals: one per entry, a first one counted from, or none (then the
            // ordinal counts the block's entries, as the iterator's does).
            const format::Ordinals kind = source.ordinals_of(type);
            const uint8_t* each = kind == format::Ordinals::each ? ordinals : nullptr;
            const uint64_t first = kind == format::Ordinals::first ? format::load<uint64_t>(ordinals) : 0;
            ordinals += format::ordinal_bytes(kind, count);
            edge.type = type;
            for (uint64_t k = 0; k < count; ++k, bit += bits) {
                const uint32_t index = bit < loadable ? format::packed_entry_loaded(entries, bit, mask) : format::packed_entry_at(entries, run.words, bit, mask);
                // One 8-byte store of the target, as EdgeRange::iterator::set_target explains.
                edge.target = std::bit_cast<VertexRef>(uint64_t{index} << 32 | shard);
                edge.ordinal = each ? format::load<uint64_t>(each + 8 * k) : first + k;
                visit(v, edge);
            }
        }
    }
    template <typename Visit>
    [[gnu::noinline, gnu::cold]] void visit_edges_by_iterator(uint32_t v, Direction direction, Visit& visit) const {
        for (const Edge& edge : vertex(v).edges(direction)) visit(v, edge);
    }

    explicit File(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The shard of a `shard_count`-shard dataset that holds the vertex with this key (§10: the key
// hash of §8.1 mod K), the placement the writer uses: a front end routes a request for a key to
// the service that maps this shard. The key's kind is not checked (no file is at hand). Throws
// ErrorKind::misuse when shard_count is 0.
uint16_t shard_of(const Key& key, uint16_t shard_count);
uint16_t shard_of(const Key& key, uint16_t shard_count, IdSpace space);  // the key in an ID space (§8.1)

// What a Dataset opened with some of its shards (Dataset::open(path, shards)) throws for a
// request that needs a shard it did not map: a key that lives there, a reference or edge into
// it. Kind misuse (the request went to the wrong service); shard() names the shard that owns
// what was asked for, so the caller can route the request to the service mapping it.
class ShardNotMapped : public Error {
public:
    ShardNotMapped(uint16_t shard, const std::string& message) : Error(ErrorKind::misuse, message), shard_(shard) {}
    uint16_t shard() const noexcept { return shard_; }

private:
    uint16_t shard_;
};

// The shards of one dataset (§10): resolves keys to their shard and follows cross-shard edges.
// Immutable after open, like File: share it between threads. A copy shares the shard Files;
// what is read through a Dataset is valid while it, a copy of it, or the shard's File lives.
//
// Partial datasets. A service that answers for some shards maps only those (open with a shard
// list); the dataset still has shard_count() shards, of which mapped() tells which are here.
// Nothing answers for an unmapped shard as if it were empty: find() of a key that lives there,
// vertex() of a reference into it, shard() of it and property() of an in-edge whose source is
// there throw ShardNotMapped naming it. References are still returned as references: edges and
// vertex_ref values into an unmapped shard read as usual (Edge::target, ValueRef::as_ref()), and
// the caller routes them by their shard. vertex_count() and edge_count() count the mapped shards.
class Dataset {
public:
    // `path` is the single-shard file, or the dataset path given to the writer, or any shard;
    // the other shards are found by the file names of §10.
    static Dataset open(const std::filesystem::path& path, ReaderOptions options = {});
    // Every shard file of the dataset, named anyhow and in any order: the headers' dataset id
    // and shard ids place them (§10). Throws ErrorKind::misuse when the list is empty, names
    // files of different datasets, names a shard twice or lacks one (the message lists which),
    // and ErrorKind::damaged when files of one dataset id disagree on the shard count; opening
    // a file throws as File::open.
    static Dataset open(std::span<const std::filesystem::path> shard_files, ReaderOptions options = {});

    // Only the named shards, found as open(path) finds them: by the name of §10 when `path` is
    // a shard file's, or by the shard files beside a dataset path (the shard count is then the
    // one their names give), or else from the header of the file at `path`. Only the named
    // shards are opened; the ones opened are checked as open(path) checks them (shard id and
    // count, one dataset id). Throws ErrorKind::misuse when `shards` is empty, names a shard
    // twice or one not below the shard count.
    static Dataset open(const std::filesystem::path& path, std::span<const uint16_t> shards, ReaderOptions options = {});
    // So that open(path, {0, 2}) is a shard list and not ReaderOptions{0, 2}.
    static Dataset open(const std::filesystem::path& path, std::initializer_list<uint16_t> shards, ReaderOptions options = {}) {
        return open(path, std::span<const uint16_t>(shards.begin(), shards.size()), options);
    }
    // The files of exactly the named shards, named anyhow and in any order, placed by their
    // headers; misuse as open(shard_files) and open(path, shards), and when a file holds a
    // shard not named.
    static Dataset open(std::span<const std::filesystem::path> shard_files, std::span<const uint16_t> shards,
                        ReaderOptions options = {});

    uint16_t shard_count() const { return static_cast<uint16_t>(shards_.size()); }
    bool mapped(uint16_t id) const { return id < shards_.size() && shards_[id] != nullptr; }
    bool partial() const;                       // some shard is not mapped
    std::vector<uint16_t> mapped_shards() const;  // in shard order
    // Throws misuse for an id not below shard_count(), ShardNotMapped for an unmapped shard.
    const File& shard(uint16_t id) const;
    uint64_t vertex_count() const;  // of the mapped shards
    uint64_t edge_count() const;    // out-edges of the mapped shards

    // Throws misuse for a shard not below shard_count(), ShardNotMapped for an unmapped one.
    Vertex vertex(VertexRef ref) const;
    // nullopt for an absent key or a key of the other type (a string key in an int64 dataset);
    // ShardNotMapped when the key's shard (shard_of) is not mapped.
    std::optional<Vertex> find(const Key& key, IdSpace space) const;  // the key in an ID space (§8.1)
    std::optional<Vertex> find(const Key& key) const;
    // Many lookups at once: out[i] = find(keys[i]), with each shard's keys going through that
    // shard's batch File::find together. Throws ErrorKind::misuse when the spans' sizes differ,
    // and ShardNotMapped for the first key (in order) whose shard is not mapped, before any
    // lookup; `out` is then left as it was.
    void find(std::span<const Key> keys, std::span<std::optional<Vertex>> out) const;
    void find(std::span<const Key> keys, IdSpace space, std::span<std::optional<Vertex>> out) const;  // every key in `space`
    ValueRef property(const Edge& edge, const Vertex& from, uint32_t property) const;
    // By name, as File::property.
    ValueRef property(const Edge& edge, const Vertex& from, std::string_view name) const;
    // Each mapped shard's deep check, then the rules between them (§10): one schema, and every
    // edge or vertex_ref value into another mapped shard names a vertex there. References into
    // unmapped shards are not checked (their shard's own service checks its side).
    void verify() const;

private:
    static Dataset open_at(const std::filesystem::path& path, std::optional<std::span<const uint16_t>> wanted, ReaderOptions options);
    static Dataset open_files(std::span<const std::filesystem::path> shard_files, std::optional<std::span<const uint16_t>> wanted,
                              ReaderOptions options);
    [[noreturn]] void not_mapped(uint16_t shard, const std::string& what) const;
    const File& first_mapped() const;
    std::vector<std::shared_ptr<const File>> shards_;  // shard_count() entries, null when not mapped
};

}  // namespace mmgraph
