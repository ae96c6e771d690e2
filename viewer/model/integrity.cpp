#include "integrity.hpp"

#include <algorithm>
#include <chrono>

#include "mmgraph/format/layout.hpp"

namespace mmgraph::viewer {

std::pair<size_t, size_t> Integrity::at(uint64_t begin, uint64_t end) const {
    auto by_offset = [](const VerifyFinding& f, uint64_t offset) { return f.offset < offset; };
    auto first = std::lower_bound(findings.begin(), findings.end(), begin, by_offset);
    auto last = std::lower_bound(first, findings.end(), end, by_offset);
    return {static_cast<size_t>(first - findings.begin()), static_cast<size_t>(last - findings.begin())};
}

Integrity make_integrity(VerifyReport report, double seconds) {
    Integrity out;
    out.findings = std::move(report.findings);
    std::stable_sort(out.findings.begin(), out.findings.end(), [](const VerifyFinding& a, const VerifyFinding& b) { return a.offset < b.offset; });
    for (size_t i = 0; i < out.findings.size(); ++i)
        if (out.findings[i].length > 0) out.ranges.push_back(i);
    out.truncated = report.truncated;
    out.seconds = seconds;
    return out;
}

std::optional<Integrity> check_integrity(const File& file, const std::atomic<bool>* stop, std::atomic<uint64_t>* progress) {
    auto start = std::chrono::steady_clock::now();
    VerifyOptions options;
    options.max_findings = 10000;
    options.progress = [stop, progress](double done) {
        if (progress) progress->store(static_cast<uint64_t>(done * kProgressScale), std::memory_order_relaxed);
        return !(stop && stop->load(std::memory_order_relaxed));
    };
    VerifyReport report = file.verify_all(options);
    if (report.cancelled) return std::nullopt;
    if (progress) progress->store(kProgressScale);
    return make_integrity(std::move(report), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void IntegrityWorker::start(std::shared_ptr<const File> file) {
    cancel();
    if (!file) return;
    Background::start([file = std::move(file)](const std::atomic<bool>& stop, std::atomic<uint64_t>& done) {
        return check_integrity(*file, &stop, &done);
    }, kProgressScale);
}

namespace {

// The edge blocks of the vertex's record in one direction, as file ranges: a block's offsets are
// in its domain, the direction's section.
void flag_blocks(const File& file, uint32_t index, Direction direction, const Integrity& integrity, VertexFlags& flags) {
    const auto kind = direction == Direction::out ? format::SectionKind::out_edges : format::SectionKind::in_edges;
    const auto runs_kind = direction == Direction::out ? format::SectionKind::out_runs : format::SectionKind::in_runs;
    const SectionInfo *domain = nullptr, *runs = nullptr;
    for (const SectionInfo& s : file.sections()) {
        if (s.kind == static_cast<uint16_t>(kind)) domain = &s;
        if (s.kind == static_cast<uint16_t>(runs_kind)) runs = &s;
    }
    if (!domain || (direction == Direction::in && !file.has_in_edges())) return;
    try {
        // The range is held: blocks() views storage inside it, which a temporary would free
        // before the loop ran.
        const EdgeRange edges = file.vertex(index).edges(direction);
        for (const EdgeRange::Block& block : edges.blocks()) {
            auto flag = [&](uint64_t begin, uint64_t end, const SectionInfo* section) {
                auto [first, last] = integrity.at(section->offset + begin, section->offset + end);
                for (size_t i = first; i < last; ++i)
                    if (integrity.findings[i].length == 0) flags.blocks.push_back({direction, block.type, i});
            };
            flag(block.offset, block.end(), domain);
            // A packed record's block has its ordinals there and its entries in the record's run
            // (§7), or since 2.5 in the runs section's (§7.3).
            if (block.packed)
                flag(block.entries_offset() + block.first * block.entry_bits / 32 * 4, block.entries_offset() + block.entry_bytes(),
                     block.apart && runs ? runs : domain);
        }
    } catch (const Error&) {
        // a record too damaged to list its blocks: its findings show on its fields
    }
}

}  // namespace

VertexFlags flag_vertex(const File& file, const VertexAnatomy& anatomy, const Integrity& integrity) {
    VertexFlags flags;
    for (const RecordSpan& r : anatomy.records) {
        auto [first, last] = integrity.at(r.offset, r.offset + r.size);
        for (size_t i = first; i < last; ++i) {
            if (integrity.findings[i].length > 0) continue;
            flags.records.push_back(i);
            if (const FieldSpan* f = anatomy.field_at(integrity.findings[i].offset))
                flags.fields.push_back({static_cast<size_t>(f - anatomy.fields.data()), i});
        }
    }
    // Finding indices follow the offsets, so sorting them sorts by offset.
    std::sort(flags.records.begin(), flags.records.end());
    flags.records.erase(std::unique(flags.records.begin(), flags.records.end()), flags.records.end());
    auto key = [](const FieldFlag& f) { return std::pair(f.finding, f.field); };
    std::sort(flags.fields.begin(), flags.fields.end(), [&](const FieldFlag& a, const FieldFlag& b) { return key(a) < key(b); });
    flags.fields.erase(std::unique(flags.fields.begin(), flags.fields.end(), [&](const FieldFlag& a, const FieldFlag& b) { return key(a) == key(b); }),
                       flags.fields.end());
    if (anatomy.index < file.vertex_count()) {
        flag_blocks(file, anatomy.index, Direction::out, integrity, flags);
        flag_blocks(file, anatomy.index, Direction::in, integrity, flags);
    }
    return flags;
}

std::string without_path(const std::string& message, const std::string& path) {
    const std::string prefix = path + ": ";
    return !path.empty() && message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

nlohmann::ordered_json findings_json(const Integrity& integrity) {
    auto out = nlohmann::ordered_json::array();
    for (const VerifyFinding& f : integrity.findings) out.push_back({{"section", f.area}, {"offset", f.offset}, {"message", f.message}});
    return out;
}

}  // namespace mmgraph::viewer
