// verify(): the deep check of spec §12. Open checked the header, directory and small tables;
// this adds every checksum and gap, every vertex's records and their placement, every value,
// adjacency list, terminator and ordinal, the counts against the tables, the key index, and
// the writer rules that validity requires (§12: directory, placement, slot order, b, heap).
// It reads the whole file once per check, O(file size).
//
// verify() stops at the first problem; verify_all() runs the same checks as units (a section's
// checksum, one vertex's node record, ...) through a Sink that records each unit's first problem
// and goes on. The code path of a file without problems is the same in both.
//
//   Sink          fail-fast or collecting; progress and cancel
//   Verifier      values, node records and adjacency records
//   check_*       the checks of §12, in the order verify() runs them
#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "internal.hpp"
#include "mmgraph/format/date.hpp"
#include "mmgraph/format/fields.hpp"
#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/format/utf8.hpp"

namespace mmgraph {

using detail::DamageAt;
using detail::hex;
using detail::Region;

namespace {

[[noreturn]] void fail_at(uint64_t file_offset, uint64_t length, const std::string& message) {
    throw DamageAt(ErrorKind::damaged, message, file_offset, length);
}

// Ends verify_all early (cancelled, or max_findings reached). Not an Error, so that the catch
// around a unit lets it through.
struct Stop {};

// Where the checks send problems and progress. Without a report (verify()) a problem is thrown
// and ends the check; with one (verify_all()) each unit's first problem is recorded, placed in
// its section, and the check goes on with the next unit.
class Sink {
public:
    Sink(const File::Impl& m, VerifyReport* report, const VerifyOptions* options) : m_(m), report_(report), options_(options) {
        for (const SectionInfo& s : m.sections) total_ += static_cast<double>(s.length);  // the checksums
        for (const Region* r : {&m.nodes, &m.out, &m.in, &m.key_section()}) total_ += static_cast<double>(r->size);
        for (const PropTableInfo& t : m.prop_tables) total_ += static_cast<double>(t.region.size);
    }

    // Runs one unit; false when it found a problem (only when collecting: else the error goes on).
    template <typename Check>
    bool unit(Check&& check) {
        if (!report_) {
            check();
            return true;
        }
        try {
            check();
            return true;
        } catch (const DamageAt& e) {
            add(e.what(), e.file_offset(), e.length());
        } catch (const Error& e) {
            add(e.what(), std::nullopt, 0);
        }
        return false;
    }

    // Progress in bytes of the pass: every section for the checksums, then the record sections,
    // edge property tables and key index for the structure (the constructor sums them).
    void advance(double bytes) {
        done_ += bytes;
        if (!options_ || !options_->progress) return;
        if (!options_->progress(total_ > 0 ? std::min(1.0, done_ / total_) : 1.0)) {
            report_->cancelled = true;
            throw Stop{};
        }
    }

private:
    void add(std::string message, std::optional<uint64_t> at, uint64_t length) {
        if (report_->findings.size() >= options_->max_findings) {
            report_->truncated = true;
            throw Stop{};
        }
        VerifyFinding f;
        f.message = std::move(message);
        f.length = length;
        if (at) place(f, *at);
        else f.area = "file";
        report_->findings.push_back(std::move(f));
    }

    // The section holding file offset `at` (an empty one starting there when no other holds it),
    // else the header, the directory or a gap.
    void place(VerifyFinding& f, uint64_t at) const {
        f.offset = at;
        for (int pass = 0; pass < 2 && f.section < 0; ++pass)
            for (size_t i = 0; i < m_.sections.size(); ++i) {
                const SectionInfo& s = m_.sections[i];
                if (pass == 0 ? at >= s.offset && at - s.offset < s.length : s.length == 0 && at == s.offset) {
                    f.section = static_cast<int>(i);
                    f.area = std::string(s.name());
                    break;
                }
            }
        if (f.section >= 0) return;
        const uint64_t dir = format::get(m_.data, format::header::Field::directory_offset);
        f.area = at < format::header::kSize ? "header" : at >= dir && at - dir < m_.sections.size() * format::dir_entry::kSize ? "directory" : "gap";
    }

    const File::Impl& m_;
    VerifyReport* report_;
    const VerifyOptions* options_;
    double total_ = 0, done_ = 0;
};

void require_zero(const Region& r, uint64_t from, uint64_t to, const std::string& what) {
    for (uint64_t at = from; at < to; ++at)
        if (*r.at(at, 1, "padding") != 0) r.fail(at, what + " byte is not zero");
}

// The checksum of a section, read in chunks with the next chunk requested ahead: the mapping's
// advice is usually Access::random, under which a cold file would arrive one page per fault.
uint64_t section_checksum(const File::Impl& m, const SectionInfo& s, Sink& sink) {
    constexpr uint64_t kChunk = uint64_t{8} << 20;
    format::ChecksumStream hash;
    m.read_ahead(s.offset, kChunk);
    for (uint64_t done = 0; done < s.length;) {
        uint64_t n = std::min(kChunk, s.length - done);
        m.read_ahead(s.offset + done + n, kChunk);
        hash.update(m.data + s.offset + done, n);
        done += n;
        sink.advance(static_cast<double>(n));
    }
    return hash.digest();
}

struct Verifier {
    const File& file;
    const File::Impl& m;
    const bool multi;
    std::vector<uint64_t> label_counts, type_counts, edge_type_counts, next_ordinal;
    uint64_t out_total = 0, in_total = 0;
    uint32_t label_sets_used = 0;  // §6.6: sets met so far, which number them by first use
    // After a damaged record (verify_all only): the counts it left unknown, and the edge types
    // whose ordinal sequence picks up again at their next edge.
    bool nodes_unknown = false, out_unknown = false, in_unknown = false;
    std::vector<uint8_t> resync_ordinal;

    explicit Verifier(const File& f)
        : file(f), m(impl_of(f)), multi(m.edge_types.size() > 1), label_counts(m.labels.size()),
          type_counts(m.node_types.size()), edge_type_counts(m.edge_types.size()), next_ordinal(m.edge_types.size()),
          resync_ordinal(m.edge_types.size(), 0) {}

    // A vertex's record in `dir` could not be checked to its end.
    void lost(Direction dir) {
        (dir == Direction::out ? out_unknown : in_unknown) = true;
        if (dir == Direction::out) std::fill(resync_ordinal.begin(), resync_ordinal.end(), 1);
    }

    // A string value or key (§4.3) is UTF-8.
    static void text(std::string_view s, const Region& r, const std::string& where) {
        if (const size_t bad = format::first_invalid_utf8(s); bad != s.size())
            r.fail(static_cast<uint64_t>(reinterpret_cast<const uint8_t*>(s.data()) + bad - r.data),
                   where + ": string is not UTF-8 (byte " + format::hex_byte(s[bad]) + ")");
    }

    // The ranges of §4.3 for the 2.2 types, and a datetime's zone naming a string (§4.1).
    template <typename At>
    void temporal_values(uint8_t code, std::span<const uint8_t> bytes, const Region& r, const std::string& where, At at) const {
        const unsigned size = format::scalar_size(code);
        const std::string type(format::scalar_name(code));
        for (size_t i = 0; i + size <= bytes.size(); i += size) {
            const uint8_t* p = bytes.data() + i;
            const char* why = nullptr;
            switch (static_cast<TypeCode>(code)) {
                case TypeCode::localtime: why = format::invalid(format::decode_localtime(p)); break;
                case TypeCode::time: why = format::invalid(format::decode_time(p)); break;
                case TypeCode::localdatetime: why = format::invalid(format::decode_localdatetime(p)); break;
                case TypeCode::duration: why = format::invalid(format::decode_duration(p)); break;
                case TypeCode::point: why = format::invalid(format::decode_point(p)); break;
                case TypeCode::datetime: {
                    const format::DateTime t = format::decode_datetime(p);
                    why = format::invalid(t);
                    if (!why && t.zone > m.names.size())
                        r.fail(at(i + 16), where + ": datetime zone " + std::to_string(t.zone) + " names no string (the table has " +
                                               std::to_string(m.names.size()) + ")");
                    break;
                }
                default: break;
            }
            if (why) r.fail(at(i), where + ": " + type + ": " + why);
        }
    }

    void value(const ValueRef& v, const AttributeInfo& a, const Region& r, const std::string& where) const {
        if (v.is_null()) return;
        uint8_t code = format::element_code(a.type.byte);
        auto bytes = v.as_bytes();
        auto at = [&](size_t i) { return static_cast<uint64_t>(bytes.data() + i - r.data); };
        if (code == static_cast<uint8_t>(TypeCode::boolean))
            for (size_t i = 0; i < bytes.size(); ++i)
                if (bytes[i] > 1) r.fail(at(i), where + ": bool byte " + hex(bytes[i]) + " is not 0 or 1");
        if (code == static_cast<uint8_t>(TypeCode::date))
            for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
                int32_t days = format::load<int32_t>(bytes.data() + i);
                if (!format::is_valid_date_days(days))
                    r.fail(at(i), where + ": date of " + std::to_string(days) + " days is outside the years -999999 to +999999");
            }
        if (code == static_cast<uint8_t>(TypeCode::string)) {
            if (format::has_variable_items(a.type.byte)) {
                uint64_t index = 0;
                for (const ValueRef& item : v.elements()) text(item.as_string(), r, where + " item " + std::to_string(index++));
            } else {
                text(v.as_string(), r, where);
            }
        }
        if (code >= static_cast<uint8_t>(TypeCode::localtime) && code <= static_cast<uint8_t>(TypeCode::point))
            temporal_values(code, bytes, r, where, at);
        if (code == static_cast<uint8_t>(TypeCode::vertex_ref))
            for (size_t i = 0; i + format::kVertexRefSize <= bytes.size(); i += format::kVertexRefSize) {
                uint64_t ref = format::load_u48(bytes.data() + i);
                uint64_t shard = ref >> format::kRefShardShift;
                if ((ref & format::kTerminatorBit) || shard >= m.shard_count ||
                    (shard == m.shard_id && (ref & format::kLocalIndexMask) >= m.vertex_count))
                    r.fail(at(i), where + ": vertex reference " + hex(ref) + " names no vertex");
            }
    }

    // Checks one record's fixed part, null bits and variable values (§6.1, §6.2, §8.2); the
    // first value must start at `value_start`. Returns the offset past its last value.
    uint64_t record(const RecordView& rec, const LabelInfo& shape, bool with_key, uint64_t value_start, const std::string& where) const {
        const Region& r = *rec.region;
        uint32_t nullable = 0;
        for (const auto& a : shape.attributes) nullable += a.type.is_fixed() && a.nullable;
        for (uint32_t bit = nullable; bit < shape.null_bytes * 8; ++bit)
            if (*r.at(rec.nulls + bit / 8, 1, "null bitmap") & (1u << (bit % 8))) r.fail(rec.nulls + bit / 8, where + ": unused null bit set");
        uint64_t end = value_start, expected_next = value_start;
        uint32_t entries = shape.var_count;
        std::vector<const AttributeInfo*> by_entry(entries, nullptr);
        AttributeInfo key_attr;
        key_attr.type = Type(TypeCode::string);
        if (with_key && m.key_type == KeyType::string) by_entry[0] = &key_attr;
        for (const auto& a : shape.attributes) {
            if (!a.type.is_fixed()) {
                by_entry[a.fixed_offset] = &a;
                continue;
            }
            ValueRef v = m.attribute(rec, a, false, "attribute value");
            if (v.is_null()) {
                unsigned size = format::scalar_size(a.type.byte);
                require_zero(r, rec.fixed + a.fixed_offset, rec.fixed + a.fixed_offset + size, where + ": null value '" + std::string(a.name) + "'");
            }
            value(v, a, r, where + " '" + std::string(a.name) + "'");
        }
        // Variable values sit in table order, each right after the previous (§6.2).
        for (uint32_t k = 0; k < entries; ++k) {
            const AttributeInfo& a = *by_entry[k];
            unsigned width = rec.uniform_width ? rec.uniform_width : rec.widths[k];
            uint64_t entry_at = rec.table + (rec.uniform_width ? uint64_t{k} * width : rec.entry_offsets[k]);
            uint64_t entry = r.read_uint(entry_at, width, "offset table entry");
            bool is_key = &a == &key_attr;
            ValueRef v = m.attribute(rec, a, is_key, is_key ? "string key" : "attribute value");
            if (entry == 0) continue;
            if (rec.var_base + entry != expected_next)
                r.fail(entry_at, where + ": offset entry " + std::to_string(k) + " = " + hex(entry) + " does not follow the previous value");
            if (v.list_size() == 0 && !a.nullable)
                r.fail(entry_at, where + ": empty non-nullable value stored instead of offset 0");
            value(v, a, r, where + (is_key ? " key" : " '" + std::string(a.name) + "'"));
            end = static_cast<uint64_t>(v.as_bytes().data() - r.data) + v.as_bytes().size();
            expected_next = end;
        }
        return end;
    }

    // Checks one adjacency record (§7), expected at `placed` when that is known; returns its end
    // offset, or `placed` when it has none.
    std::optional<uint64_t> adjacency(const Vertex& v, Direction dir, std::optional<uint64_t> placed, const std::string& where) {
        int which = dir == Direction::out ? m.out_slot : m.in_slot;
        uint64_t slot = m.slot(v.index(), which);
        if (slot == 0) return placed;
        const Region& r = dir == Direction::out ? m.out : m.in;
        uint64_t off = slot & format::kSlotOffsetMask;
        if (placed && off != *placed)
            r.fail(off, where + ": adjacency record is not placed right after the previous one (expected " + hex(*placed) + ")");
        EdgeRange edges = v.edges(dir);
        const bool local = edges.local();
        // Where findings about entries point: an apart record's are in the runs section (§7.3).
        const bool apart = local && m.runs_apart;
        const Region& entries = apart ? m.runs(dir).region : r;
        bool all_local = true;
        uint64_t end = apart ? off : off + 4;  // leave_block moves it past each block
        auto block = edges.blocks().begin();
        uint64_t in_block = 0, groups = 0, n = 0;
        int64_t previous_shard = -1, previous_index = -1;
        // A block's end with the groups it holds: a single-type record does not store the count.
        auto leave_block = [&](const EdgeRange::Block& b, uint64_t counted) {
            if (multi && !local && b.groups != counted)
                r.fail(off, where + ": block of type " + std::to_string(b.type) + " declares " + std::to_string(b.groups) +
                                " groups, holds " + std::to_string(counted));
            format::BlockLayout held = b;
            held.groups = local ? 0 : static_cast<uint32_t>(counted);
            end = held.end();
        };
        for (auto it = edges.begin(); it != edges.end(); ++it, ++n, ++in_block) {
            while (in_block == block->count) {
                leave_block(*block, groups);
                ++block, in_block = 0, groups = 0, previous_shard = -1, previous_index = -1;
            }
            const Edge& e = *it;
            // The word holding a flat entry, so that a finding names it; a grouped record's
            // entries are found by walking, so its findings name the record.
            const uint64_t entry_at = local ? block->entries_offset() + (block->first + in_block) * block->entry_bits / 32 * 4 : off;
            if (e.target.shard != previous_shard) ++groups;
            if (e.target.shard < previous_shard || (e.target.shard == previous_shard && e.target.index < previous_index))
                entries.fail(entry_at, where + ": entries are not in ascending (shard, index) order");
            previous_shard = e.target.shard;
            previous_index = e.target.index;
            all_local &= e.target.shard == m.shard_id;
            if (e.target.shard == m.shard_id && e.target.index >= m.vertex_count)
                entries.fail(entry_at, where + ": edge " + std::to_string(n) + " names vertex " + std::to_string(e.target.index) + " >= " + std::to_string(m.vertex_count));
            if (!m.edge_types[e.type].attributes.empty()) {
                const PropTableInfo& t = m.prop_tables[static_cast<size_t>(m.prop_table_of[e.type])];
                // The block's first ordinal (out) or the edge's own (in) is the field at fault.
                const uint64_t ordinal_at = block->ordinal_offset(in_block);
                if (dir == Direction::out && resync_ordinal[e.type]) {
                    next_ordinal[e.type] = e.ordinal;
                    resync_ordinal[e.type] = 0;
                }
                if (dir == Direction::out && e.ordinal != next_ordinal[e.type]++)
                    r.fail(ordinal_at, where + ": edge ordinal " + std::to_string(e.ordinal) + " out of sequence (rows follow out-edge order)");
                if (e.target.shard == m.shard_id && e.ordinal >= t.rows)
                    r.fail(ordinal_at, where + ": edge ordinal " + std::to_string(e.ordinal) + " >= " + std::to_string(t.rows) + " rows");
            }
            if (dir == Direction::out) ++edge_type_counts[e.type];
        }
        if (n) leave_block(*block, groups);
        if (n != edges.size()) r.fail(off, where + ": holds " + std::to_string(n) + " entries, degree says " + std::to_string(edges.size()));
        if (local != all_local) r.fail(off, where + ": local tag " + (local ? "set" : "clear") + " but targets " + (all_local ? "are" : "are not") + " all in this shard");
        if (local && !apart) {  // a runs section's padding is checked once, by check_runs
            for (const auto& b : edges.blocks()) {
                // A packed record's blocks share one run, whose padding follows the last block.
                if (b.packed && &b != &edges.blocks().back()) continue;
                const uint64_t at = b.entries_offset(), bytes = b.entry_bytes();
                if (m.major == 1) {
                    // Format 1 flat lists: exactly the last entry of each block carries the terminator.
                    for (uint64_t k = 0; k < b.count; ++k) {
                        bool terminator = r.read<uint32_t>(at + 4 * k, "adjacency entry") & format::kTerminatorBit;
                        if (terminator != (k + 1 == b.count))
                            r.fail(at + 4 * k, where + ": terminator bit " + (terminator ? "set inside" : "missing at the end of") + " a list");
                    }
                } else if (const unsigned used = static_cast<unsigned>((b.first + b.count) * b.entry_bits % 32)) {
                    // Packed runs end with zero padding bits (§7.2).
                    uint32_t last = r.read<uint32_t>(at + bytes - 4, "adjacency entries");
                    if (last >> used) r.fail(at + bytes - 4, where + ": padding bits after the last packed entry are not zero");
                }
            }
        }
        (dir == Direction::out ? out_total : in_total) += n;
        return end;
    }
};

// §2.3: reserved bytes and flags are zero in files of this minor version.
void check_header_reserved(const File::Impl& m, const std::string& file) {
    if (m.newer_minor()) return;
    const auto& reserved = format::header::spec(format::header::Field::reserved);
    for (size_t i = reserved.offset; i < reserved.offset + reserved.width; ++i)
        if (m.data[i] != 0) fail_at(i, 1, file + "header: reserved byte at offset " + hex(i) + " is not zero");
    if (m.flags & ~format::kKnownFlags) {
        const auto& flags = format::header::spec(format::header::Field::flags);
        fail_at(flags.offset, flags.width, file + "header: unknown flags " + hex(m.flags));
    }
}

uint64_t directory_offset(const File::Impl& m) { return format::get(m.data, format::header::Field::directory_offset); }

// File offset of a directory entry's field.
uint64_t entry_field(const File::Impl& m, size_t entry, format::dir_entry::Field field) {
    return directory_offset(m) + entry * format::dir_entry::kSize + format::dir_entry::spec(field).offset;
}

// §3: a section's checksum.
void check_checksum(const File::Impl& m, size_t i, const std::string& file, Sink& sink) {
    const SectionInfo& s = m.sections[i];
    if (section_checksum(m, s, sink) != s.checksum)
        fail_at(s.offset, s.length, file + "section " + std::to_string(i) + " (" + std::string(s.name()) + ", file offset " + hex(s.offset) +
                                        ", " + std::to_string(s.length) + " bytes): checksum mismatch");
}

// §3: zero bytes between the directory, the sections and the file end.
void check_gaps(const File::Impl& m, const std::string& file) {
    uint64_t dir_end = directory_offset(m) + m.sections.size() * format::dir_entry::kSize;
    std::vector<std::pair<uint64_t, uint64_t>> used{{0, dir_end}};
    for (const SectionInfo& s : m.sections) used.emplace_back(s.offset, s.offset + s.length);
    std::sort(used.begin(), used.end());
    for (size_t i = 0; i < used.size(); ++i) {
        if (i + 1 < used.size() && used[i].second > used[i + 1].first)
            fail_at(used[i + 1].first, 0, file + "sections overlap at file offset " + hex(used[i + 1].first));
        uint64_t gap_end = i + 1 < used.size() ? used[i + 1].first : m.size;
        for (uint64_t at = used[i].second; at < gap_end; ++at)
            if (m.data[at] != 0) fail_at(at, 1, file + "padding byte at file offset " + hex(at) + " is not zero");
    }
}

// Where §3 puts a section kind in the directory; kinds this reader does not know have none.
int directory_rank(uint16_t kind) {
    using format::SectionKind;
    switch (static_cast<SectionKind>(kind)) {
        case SectionKind::strings: return 0;
        case SectionKind::schema: return 10;
        case SectionKind::node_types: return 20;
        case SectionKind::label_sets: return 21;
        case SectionKind::id_spaces: return 22;
        case SectionKind::vertices: return 30;
        case SectionKind::nodes: return 40;
        case SectionKind::out_edges: return 50;
        case SectionKind::in_edges: return 60;
        case SectionKind::out_runs: return 64;
        case SectionKind::in_runs: return 66;
        case SectionKind::edge_props: return 70;
        case SectionKind::key_index: return 80;
        case SectionKind::key_table: return 80;
        case SectionKind::block_key_table: return 80;
    }
    return -1;
}

// The writer rules that validity requires (§12): the directory at 128, entries in the order of
// §3, each section where the previous one's end puts it, and the file ending after the last;
// slot roles in the order of §5.1.
void check_writer_layout(const File::Impl& m, const std::string& file) {
    using format::dir_entry::Field;
    const uint64_t dir = directory_offset(m);
    if (dir != format::header::kSize)
        fail_at(format::header::kDirectoryOffsetOff, 8,
                file + "section directory at file offset " + hex(dir) + ", not at " + hex(format::header::kSize) + " (§2.2)");
    int previous_rank = -1;
    for (size_t i = 0; i < m.sections.size(); ++i) {
        const int rank = directory_rank(m.sections[i].kind);
        if (rank < 0) continue;  // a newer minor's optional kind: §3 gives it no place
        if (rank < previous_rank || (rank == previous_rank && rank != directory_rank(static_cast<uint16_t>(format::SectionKind::edge_props))))
            fail_at(entry_field(m, i, Field::kind), 2,
                    file + "directory entry " + std::to_string(i) + " (" + std::string(m.sections[i].name()) + ") is out of the order of §3");
        previous_rank = rank;
    }
    for (size_t t = 1; t < m.prop_tables.size(); ++t)  // kept in directory order by open
        if (m.prop_tables[t].type <= m.prop_tables[t - 1].type)
            m.prop_tables[t].region.fail(0, "edge property tables are not in ascending edge type order (§3)");
    uint64_t expected = format::align_up(dir + m.sections.size() * format::dir_entry::kSize, format::kSectionAlign);
    for (size_t i = 0; i < m.sections.size(); ++i) {
        const SectionInfo& s = m.sections[i];
        if (s.offset != expected)
            fail_at(entry_field(m, i, Field::offset), 8,
                    file + "section " + std::to_string(i) + " (" + std::string(s.name()) + ") at file offset " + hex(s.offset) + ", not at " +
                        hex(expected) + " where §3 places it");
        expected = format::align_up(s.offset + s.length, format::kSectionAlign);
    }
    if (m.size != expected)
        fail_at(format::header::kFileSizeOff, 8, file + "file of " + std::to_string(m.size) + " bytes, §3 makes it " + std::to_string(expected));
    if (m.node_slot != 0 || m.out_slot != 1 || (m.in_slot >= 0 && m.in_slot != 2) || (m.key_slot >= 0 && m.key_slot != (m.in_slot >= 0 ? 3 : 2)))
        m.vertices.fail(8, "slot roles are not in the order nodes, out_edges, in_edges, key (§5.1)");
}

// §6: vertex i's node record, right after the previous record's end when that is known, with
// zero padding between; returns its end.
uint64_t check_node(const File::Impl& m, Verifier& check, uint64_t i, const std::optional<uint64_t>& previous_end, const std::string& where) {
    uint32_t type = 0;
    RecordView rec = m.node_record(static_cast<uint32_t>(i), type);
    uint64_t start = rec.nulls - m.id_width;
    if (previous_end) {
        uint64_t expected = format::align_up(*previous_end, format::kRecordAlign);
        if (start != expected) m.nodes.fail(start, where + ": node record expected at " + hex(expected));
        require_zero(m.nodes, *previous_end, start, where + ": record padding");
    }
    ++check.type_counts[type];
    // §5.1 (2.4): the key slot is a copy of the record's key, which lookups compare instead.
    if (m.key_slot >= 0) {
        const int64_t copy = std::get<int64_t>(m.key(static_cast<uint32_t>(i))), key = std::get<int64_t>(m.record_key(static_cast<uint32_t>(i)));
        if (copy != key)
            m.vertices.fail(m.table_head + (i * m.slot_count + static_cast<uint64_t>(m.key_slot)) * 8,
                            where + ": key slot " + std::to_string(copy) + " differs from the node record's key " + std::to_string(key));
    }
    const uint32_t set = m.node_types[type].label;
    if (set < m.labels.size()) {
        ++check.label_counts[set];
    } else {
        const uint32_t expected = static_cast<uint32_t>(m.labels.size()) + check.label_sets_used;
        if (set > expected)
            m.nodes.fail(start, where + ": label set " + std::to_string(set) + " used before label set " + std::to_string(expected) +
                                    " (§6.6: sets are numbered in the order of first use)");
        if (set == expected) ++check.label_sets_used;
        for (uint32_t label : m.label_sets[set - m.labels.size()].labels) ++check.label_counts[label];
    }
    return check.record(rec, m.layout(set), true, rec.var_base + 1, where);
}

// §6, §7: every vertex's records, placed one after another in index order; each section ends
// with its last record (§6: a node record's padding is part of it). The end of a damaged record
// is unknown, so the next record's placement is not checked against it.
void check_records(const File& f, const File::Impl& m, Verifier& check, Sink& sink) {
    std::optional<uint64_t> node_end = 0, out_end = 0, in_end = 0;
    constexpr uint64_t kBatch = 4096;  // vertices between progress reports, each for its share of the record bytes
    const double record_bytes = static_cast<double>(m.nodes.size + m.out.size + m.in.size);
    const double batch_bytes = record_bytes * kBatch / static_cast<double>(std::max<uint64_t>(m.vertex_count, 1));
    double reported = 0;
    for (uint64_t i = 0; i < m.vertex_count; ++i) {
        if (i % kBatch == kBatch - 1) {
            sink.advance(batch_bytes);
            reported += batch_bytes;
        }
        Vertex v(&f, static_cast<uint32_t>(i));
        const std::string where = "vertex " + std::to_string(i);
        if (!sink.unit([&] { node_end = check_node(m, check, i, node_end, where); })) {
            node_end.reset();
            check.nodes_unknown = true;
        }
        sink.unit([&] {
            Key key = v.key();
            auto found = m.lookup(key, v.id_space());  // (space, key) names one vertex (§8.1)
            if (!found || *found != i)
                m.key_section().fail(0, where + ": key '" + key_to_string(key) + "' does not lead back to the vertex through the key " +
                                            (m.key_capacity > 0 ? "table" : "index"));
        });
        if (!sink.unit([&] { out_end = check.adjacency(v, Direction::out, out_end, where + " out-edges"); })) {
            out_end.reset();
            check.lost(Direction::out);
        }
        if (m.in_slot >= 0 && !sink.unit([&] { in_end = check.adjacency(v, Direction::in, in_end, where + " in-edges"); })) {
            in_end.reset();
            check.lost(Direction::in);
        }
    }
    sink.advance(record_bytes - reported);
    if (node_end)
        sink.unit([&m, end = *node_end] {
            require_zero(m.nodes, end, m.nodes.size, "final record padding");
            if (format::align_up(end, format::kRecordAlign) != m.nodes.size) m.nodes.fail(end, "section does not end at the last node record");
        });
    auto ends_domain = [&sink](const Region& r, std::optional<uint64_t> end) {
        if (end) sink.unit([&r, at = *end] { if (at != r.size) r.fail(at, "section does not end at the last adjacency record"); });
    };
    ends_domain(m.out, out_end);
    if (m.in_slot >= 0) ends_domain(m.in, in_end);
}

// §7.3: a runs section's head, its starts (from 0, non-decreasing, entries exactly for a flat
// slot) and its run's padding bits; the entries themselves are checked with their records.
void check_runs(const File::Impl& m, Direction dir, Sink& sink) {
    const File::Impl::Runs& runs = m.runs(dir);
    const Region& r = runs.region;
    const int which = adjacency_slot(m, dir);
    sink.unit([&] {
        if (r.read<uint32_t>(4, "runs reserved") != 0 && !m.newer_minor()) r.fail(4, "reserved field is not zero (§7.3)");
        // Open took the width from the length; the head must say it, and the rule give it.
        const uint32_t stored = r.read<uint32_t>(format::kRunsStartBytesOff, "start_bytes");
        if (stored != runs.start_bytes)
            r.fail(format::kRunsStartBytesOff, "start_bytes " + std::to_string(stored) + ", but the section's length gives " +
                                                   std::to_string(runs.start_bytes) + " (§7.3)");
        const uint64_t entries = m.run_entries(dir);
        if (runs.start_bytes != format::runs_start_bytes(entries))
            r.fail(format::kRunsStartBytesOff, "start_bytes " + std::to_string(runs.start_bytes) + " for " + std::to_string(entries) +
                                                   " entries: 4 exactly below 2^32 (§7.3)");
        if (r.size != runs.run_at + format::packed_bytes(entries, m.entry_bits))
            r.fail(0, std::to_string(r.size) + " bytes, but the last start's " + std::to_string(entries) + " entries make " +
                          std::to_string(runs.run_at + format::packed_bytes(entries, m.entry_bits)) + " (§7.3)");
        if (r.read_uint(format::kRunsHeadSize, runs.start_bytes, "start") != 0) r.fail(format::kRunsHeadSize, "start[0] is not 0 (§7.3)");
    });
    sink.unit([&] {
        for (uint64_t v = 0; v < m.vertex_count; ++v) {
            const uint64_t at = format::kRunsHeadSize + v * runs.start_bytes;
            const uint64_t first = r.read_uint(at, runs.start_bytes, "start"), next = r.read_uint(at + runs.start_bytes, runs.start_bytes, "start");
            if (next < first) r.fail(at + runs.start_bytes, "vertex " + std::to_string(v) + ": starts decrease (§7.3)");
            const uint64_t slot = m.slot(v, which);
            const bool flat = slot != 0 && (slot & format::kSlotTagLocal);
            if (flat != (next > first))
                r.fail(at, "vertex " + std::to_string(v) + ": " + std::to_string(next - first) + " entries, but its slot " +
                               (flat ? "names a flat record" : "names no flat record") + " (§7.3)");
        }
    });
    sink.unit([&] {
        const uint64_t entries = m.run_entries(dir);
        const uint64_t bytes = format::packed_bytes(entries, m.entry_bits);
        if (const unsigned used = static_cast<unsigned>(entries * m.entry_bits % 32); used != 0)
            if (r.read<uint32_t>(runs.run_at + bytes - 4, "run") >> used)
                r.fail(runs.run_at + bytes - 4, "padding bits after the run's last entry are not zero (§7.3)");
    });
}

// The counts the header and the tables declare against what the records hold; counts that a
// damaged record left unknown are not compared.
void check_counts(const File::Impl& m, const Verifier& check, const std::string& file, Sink& sink) {
    const uint64_t edge_count_at = format::header::kEdgeCountOff;
    if (!check.out_unknown)
        sink.unit([&] {
            if (check.out_total != m.edge_count)
                fail_at(edge_count_at, 8, file + "out-adjacency holds " + std::to_string(check.out_total) + " edges, header says " + std::to_string(m.edge_count));
        });
    if (!check.out_unknown && !check.in_unknown)
        sink.unit([&] {
            if (m.shard_count == 1 && m.in_slot >= 0 && check.in_total != check.out_total)
                fail_at(edge_count_at, 8, file + "in-adjacency holds " + std::to_string(check.in_total) + " edges, out-adjacency " + std::to_string(check.out_total));
        });
    for (size_t t = 0; t < m.node_types.size() && !check.nodes_unknown; ++t)
        sink.unit([&] {
            if (check.type_counts[t] != m.node_types[t].vertices)
                m.node_types_region.fail(0, "node type " + std::to_string(t) + " declares " + std::to_string(m.node_types[t].vertices) +
                                                " vertices, " + std::to_string(check.type_counts[t]) + " use it");
        });
    if (!check.nodes_unknown && check.label_sets_used != m.label_sets.size())
        sink.unit([&] {
            m.label_sets_region.fail(0, "label set " + std::to_string(m.labels.size() + check.label_sets_used) + " is used by no vertex (§6.6)");
        });
    for (size_t l = 0; l < m.labels.size() && !check.nodes_unknown; ++l)
        sink.unit([&] {
            if (check.label_counts[l] != m.labels[l].count)
                m.schema.fail(0, "label '" + std::string(m.labels[l].name) + "' declares " + std::to_string(m.labels[l].count) +
                                     " vertices, " + std::to_string(check.label_counts[l]) + " have it");
        });
    for (size_t t = 0; t < m.edge_types.size() && !check.out_unknown; ++t)
        sink.unit([&] {
            if (check.edge_type_counts[t] != m.edge_types[t].count)
                m.schema.fail(0, "edge type '" + std::string(m.edge_types[t].name) + "' declares " + std::to_string(m.edge_types[t].count) +
                                     " edges, " + std::to_string(check.edge_type_counts[t]) + " stored");
        });
}

// §8.2: every row decodes; the heap is packed in row order, starts where the writer starts it
// and is addressed with the writer's width.
void check_prop_table(const File::Impl& m, const Verifier& check, const PropTableInfo& t) {
    const LabelInfo& et = m.edge_types[t.type];
    uint64_t heap_end = t.heap_offset;
    require_zero(t.region, format::kEdgePropsHeadSize + t.rows * t.row_size, t.heap_offset, "row padding");
    for (uint64_t row = 0; row < t.rows; ++row) {
        RecordView rec = m.prop_row(t.type, row);
        heap_end = check.record(rec, et, false, heap_end, "edge property row " + std::to_string(row));
    }
    if (heap_end != t.region.size) t.region.fail(heap_end, "heap does not end at the section end");
    const uint64_t heap_at = format::align_up(format::kEdgePropsHeadSize + t.rows * t.row_size, 8);
    if (t.heap_offset != heap_at) t.region.fail(24, "heap offset " + hex(t.heap_offset) + " is not " + hex(heap_at) + " (§8.2)");
    const uint64_t held = t.region.size - t.heap_offset + 1;
    const unsigned width = held <= 0xFF ? 1 : held <= 0xFFFF ? 2 : held <= 0xFFFF'FFFFull ? 4 : 8;
    if (t.width != width)
        t.region.fail(4, "heap offset width " + std::to_string(t.width) + " is not the smallest that holds the heap, " + std::to_string(width) + " (§8.2)");
}

// §8.2: one row per out-edge of the type (when the out-edges could all be counted), then each
// table's rows and heap.
void check_prop_tables(const File::Impl& m, const Verifier& check, Sink& sink) {
    for (const PropTableInfo& t : m.prop_tables) {
        if (!check.out_unknown)
            sink.unit([&] {
                if (check.next_ordinal[t.type] != t.rows)
                    t.region.fail(8, std::to_string(t.rows) + " property rows, " + std::to_string(check.next_ordinal[t.type]) + " out-edges of the type");
            });
        sink.unit([&] { check_prop_table(m, check, t); });
        sink.advance(static_cast<double>(t.region.size));
    }
}

// §8.1 (2.6): key slot `s`, vertex `local`'s, names the block where its node record starts.
void check_node_block(const File::Impl& m, uint64_t s, uint64_t local, uint64_t value) {
    uint64_t record = 0;
    m.domain(m.slot(local, m.node_slot), m.nodes_domain, "node", local, record);
    if (const uint64_t block = format::node_block_of(value); block != record >> m.node_block_shift)
        m.key_table.fail(format::kKeyTableHeadSize + s * format::kKeySlotSize,
                         "key slot " + std::to_string(s) + " names node block " + std::to_string(block) + ", but vertex " + std::to_string(local) +
                             "'s node record starts at offset " + std::to_string(record) + ", in block " + std::to_string(record >> m.node_block_shift) + " of " +
                             std::to_string(uint64_t{1} << m.node_block_shift) + " bytes (§8.1)");
}

// §8.1 (2.3): the head agrees with the schema and the vertex count, C is the writer's; every
// vertex in exactly one slot, with its key's fingerprint (12 bits since 2.6, then its node
// record's block) and, in a dataset, in the shard its hash names; empty slots zero; and each
// slot holds what inserting the keys in (hash, index) order puts there, so the table is the one
// the writer builds (§12 writer rule 5).
void check_key_table(const File::Impl& m) {
    const Region& t = m.key_table;
    if (t.read<uint32_t>(0, "key table key type") != static_cast<uint32_t>(m.key_type)) t.fail(0, "key table key type differs from the schema's");
    if (t.read<uint32_t>(4, "key table reserved") != 0) t.fail(4, "reserved field is not zero (§8.1)");
    if (uint64_t n = t.read<uint64_t>(8, "key table vertex count"); n != m.vertex_count)
        t.fail(8, "key table is for " + std::to_string(n) + " vertices, the shard has " + std::to_string(m.vertex_count));
    if (const uint64_t rule = format::key_table_capacity(m.vertex_count); m.key_capacity != rule)
        t.fail(0, std::to_string(m.key_capacity) + " slots for " + std::to_string(m.vertex_count) + " vertices, §8.1 gives " + std::to_string(rule));
    std::vector<uint64_t> hash(m.vertex_count);
    for (uint32_t v = 0; v < m.vertex_count; ++v) hash[v] = format::key_hash(m.key(v), m.space_of(v));  // §8.1: seeded with its space
    std::vector<bool> seen(m.vertex_count);
    auto slot_at = [](uint64_t s) { return format::kKeyTableHeadSize + s * format::kKeySlotSize; };
    for (uint64_t s = 0; s < m.key_capacity; ++s) {
        const uint64_t value = t.read<uint64_t>(slot_at(s), "key slot");
        if (value >> 32 == 0) {
            if (value != 0) t.fail(slot_at(s), "empty key slot " + std::to_string(s) + " has a nonzero fingerprint");
            continue;
        }
        const uint64_t local = (value >> 32) - 1;
        if (local >= m.vertex_count) t.fail(slot_at(s) + 4, "key slot " + std::to_string(s) + " names vertex " + std::to_string(local) + " >= " + std::to_string(m.vertex_count));
        if (seen[local]) t.fail(slot_at(s) + 4, "key slot " + std::to_string(s) + " names vertex " + std::to_string(local) + " a second time");
        seen[local] = true;
        if (((value ^ hash[local]) & m.fingerprint_mask) != 0)
            t.fail(slot_at(s), "key slot " + std::to_string(s) + " has fingerprint " + hex(value & m.fingerprint_mask) + ", vertex " + std::to_string(local) +
                                   "'s key gives " + hex(hash[local] & m.fingerprint_mask));
        if (m.fingerprint_mask == format::kNarrowFingerprintMask) check_node_block(m, s, local, value);
        if (hash[local] % m.shard_count != m.shard_id)
            t.fail(slot_at(s), "vertex " + std::to_string(local) + " belongs to shard " + std::to_string(hash[local] % m.shard_count));
    }
    for (uint64_t v = 0; v < m.vertex_count; ++v)
        if (!seen[v]) t.fail(0, "vertex " + std::to_string(v) + " has no key slot");
    // Every vertex is in one slot with its fingerprint; now the placement: rebuild the table.
    std::vector<std::pair<uint64_t, uint32_t>> keys(m.vertex_count);
    for (uint32_t v = 0; v < m.vertex_count; ++v) keys[v] = {hash[v], v};
    std::vector<uint64_t> rebuilt = format::build_key_table(std::move(keys));  // C was checked against the same rule above
    for (uint64_t s = 0; s < m.key_capacity; ++s)
        if (const uint32_t stored = t.read<uint32_t>(slot_at(s) + 4, "key slot index"), placed = static_cast<uint32_t>(rebuilt[s] >> 32);
            stored != placed)
            t.fail(slot_at(s), "key slot " + std::to_string(s) + " holds " + (stored ? "vertex " + std::to_string(stored - 1) : std::string("nothing")) +
                                   ", but inserting the keys in (hash, index) order puts " +
                                   (placed ? "vertex " + std::to_string(placed - 1) : std::string("nothing")) + " there");
}

// §8.1 "Reading 2.2 and older": the head agrees with the schema, the vertex count and the layout open derived from the
// section's length, and b is the writer's; buckets ascend to n; entries in (hash, index) order,
// each in its bucket with the fingerprint of its vertex's key and, in a dataset, in the shard
// its hash names.
void check_key_index(const File::Impl& m) {
    if (m.key_index.read<uint32_t>(0, "key index key type") != static_cast<uint32_t>(m.key_type))
        m.key_index.fail(0, "key index key type differs from the schema's");
    if (uint32_t bits = m.key_index.read<uint32_t>(4, "bucket bits"); bits != m.bucket_bits)
        m.key_index.fail(4, "bucket bits " + std::to_string(bits) + " do not match the section's length, which gives " + std::to_string(m.bucket_bits));
    if (uint64_t n = m.key_index.read<uint64_t>(8, "key index entry count"); n != m.key_entries)
        m.key_index.fail(8, "key index has " + std::to_string(n) + " entries for " + std::to_string(m.vertex_count) + " vertices");
    if (m.bucket_bits != format::key_bucket_bits(m.key_entries))
        m.key_index.fail(4, "bucket bits " + std::to_string(m.bucket_bits) + " for " + std::to_string(m.key_entries) + " entries, §8.1 gives " +
                                std::to_string(format::key_bucket_bits(m.key_entries)));
    const uint64_t buckets = uint64_t{1} << m.bucket_bits;
    uint64_t previous = 0, previous_hash = 0;
    int64_t previous_local = -1;
    for (uint64_t b = 0; b <= buckets; ++b) {
        uint64_t start = m.key_index.read<uint32_t>(m.buckets_at + 4 * b, "bucket start");
        if (start < previous || start > m.key_entries || (b == 0 && start != 0) || (b == buckets && start != m.key_entries))
            m.key_index.fail(m.buckets_at + 4 * b, "bucket " + std::to_string(b) + " start " + std::to_string(start) + " is out of order");
        for (uint64_t i = previous; i < start; ++i) {
            uint64_t at = m.entries_at + i * format::kKeyEntrySize;
            uint32_t local = m.key_index.read<uint32_t>(at + 4, "key entry index");
            if (local >= m.vertex_count) m.key_index.fail(at + 4, "key entry names vertex " + std::to_string(local));
            uint64_t hash = format::key_hash(m.key(local), m.space_of(local));  // §8.1: seeded with its space
            if (static_cast<uint32_t>(hash) != m.key_index.read<uint32_t>(at, "key fingerprint") || format::key_bucket(hash, m.bucket_bits) != b - 1)
                m.key_index.fail(at, "key entry " + std::to_string(i) + " is in the wrong bucket or has a wrong fingerprint");
            if (hash < previous_hash || (hash == previous_hash && static_cast<int64_t>(local) <= previous_local))
                m.key_index.fail(at, "key entry " + std::to_string(i) + " is out of (hash, index) order");
            if (hash % m.shard_count != m.shard_id)
                m.key_index.fail(at, "vertex " + std::to_string(local) + " belongs to shard " + std::to_string(hash % m.shard_count));
            previous_hash = hash;
            previous_local = local;
        }
        previous = start;
    }
}

// §4.1: every name is UTF-8 without a 0x00 byte.
void check_names(const File::Impl& m) {
    for (size_t i = 0; i < m.names.size(); ++i) {
        const std::string_view name = m.names[i];
        const uint64_t at = static_cast<uint64_t>(reinterpret_cast<const uint8_t*>(name.data()) - m.strings.data);
        if (const size_t bad = format::first_invalid_utf8(name); bad != name.size())
            m.strings.fail(at + bad, "string " + std::to_string(i) + " is not UTF-8 (byte " + format::hex_byte(name[bad]) + ")");
        if (const size_t nul = name.find('\0'); nul != std::string_view::npos)
            m.strings.fail(at + nul, "string " + std::to_string(i) + " holds a 0x00 byte");
    }
}

// The checks of §12 in the order verify() runs them; `sink` decides what a problem does.
void run_checks(const File& f, const File::Impl& m, Sink& sink) {
    const std::string file = m.path.string() + ": ";
    sink.unit([&] { check_header_reserved(m, file); });
    if (!m.id_space_names.empty() && !m.newer_minor())
        sink.unit([&] {
            if (m.id_spaces_region.read<uint32_t>(4, "ID spaces reserved") != 0) m.id_spaces_region.fail(4, "reserved field is not zero (§8.3)");
        });
    if (!m.label_sets.empty() && !m.newer_minor())
        sink.unit([&] {
            if (m.label_sets_region.read<uint32_t>(4, "label sets reserved") != 0) m.label_sets_region.fail(4, "reserved field is not zero (§6.6)");
        });
    for (size_t i = 0; i < m.sections.size(); ++i) sink.unit([&] { check_checksum(m, i, file, sink); });
    sink.unit([&] { check_gaps(m, file); });
    sink.unit([&] { check_names(m); });
    Verifier check(f);
    if (m.runs_apart) {  // the runs sections' geometry first: the records' entries lie in them
        check_runs(m, Direction::out, sink);
        if (m.in_slot >= 0) check_runs(m, Direction::in, sink);
    }
    check_records(f, m, check, sink);
    check_counts(m, check, file, sink);
    check_prop_tables(m, check, sink);
    sink.unit([&] { m.key_capacity > 0 ? check_key_table(m) : check_key_index(m); });
    sink.advance(static_cast<double>(m.key_section().size));
    sink.unit([&] { check_writer_layout(m, file); });
}

}  // namespace

void File::verify() const {
    Sink sink(*impl_, nullptr, nullptr);
    run_checks(*this, *impl_, sink);
}

VerifyReport File::verify_all(const VerifyOptions& options) const {
    VerifyReport report;
    Sink sink(*impl_, &report, &options);
    try {
        run_checks(*this, *impl_, sink);
    } catch (const Stop&) {
        // cancelled or truncated: the report says which
    }
    return report;
}

}  // namespace mmgraph
