#include "edge_spill.hpp"
#include "os_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <type_traits>

#include "mmgraph/error.hpp"

namespace mmgraph::detail {

namespace {

constexpr uint64_t kReadPieceRecords = 1u << 16;  // 1 MiB of records per read

uint32_t bucket_of(uint32_t local, uint16_t shard, uint16_t shard_count) {
    return (local >> EdgeSpill::kBucketShift) * shard_count + shard;
}

}  // namespace

EdgeSpill::EdgeSpill(uint16_t shard_count, std::filesystem::path directory, const std::vector<uint16_t>& shard_of,
                     const std::vector<uint32_t>& local_of)
    : shard_count_(shard_count), directory_(std::move(directory)), shard_of_(shard_of), local_of_(local_of) {}

EdgeSpill::~EdgeSpill() {
    if (fd_ >= 0) ::close(fd_);
}

int EdgeSpill::descriptor() {
    if (fd_ >= 0) return fd_;
    std::filesystem::path dir = directory_;
    if (dir.empty()) {
        std::error_code ec;
        dir = std::filesystem::temp_directory_path(ec);
        if (ec) dir = "/tmp";
    }
    fd_ = open_unnamed(dir, 0600);  // nothing to clean up, whatever happens to the process
    if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        std::string name = (dir / ".mmgraph-edges-XXXXXX").string();
        fd_ = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd_ >= 0) ::unlink(name.c_str());
    }
    if (fd_ < 0) throw SystemError("cannot create a temporary file for staged edges in " + dir.string() + ": " + errno_text(errno));
    return fd_;
}

void EdgeSpill::append(uint32_t src, uint32_t dst, uint16_t type, bool plain) {
    make_room();
    if (tail_.empty()) tail_.reserve(kChunkEdges);
    tail_.push_back({src, dst, type});
    tail_plain_ = tail_plain_ && plain;
}

void EdgeSpill::seal() {
    if (!tail_.empty()) flush_tail();
    out_degree_.resize(shard_of_.size(), 0);  // vertices added since the last chunk
    in_degree_.resize(shard_of_.size(), 0);
}

void EdgeSpill::flush_tail() {
    Chunk chunk;
    chunk.first_id = spilled_;
    chunk.count = tail_.size();
    chunk.plain = tail_plain_ && shard_count_ == 1;
    // A graph that fits one partial chunk stays in memory; otherwise the file is made first,
    // so that a failure leaves the tail as it was.
    chunk.in_memory = chunks_.empty() && tail_.size() < kChunkEdges;
    if (!chunk.in_memory) descriptor();
    // Places and degrees in one tight loop: its random reads overlap, where one edge at a time
    // they would wait on each other.
    out_degree_.resize(shard_of_.size(), 0);
    in_degree_.resize(shard_of_.size(), 0);
    std::vector<Placed>& placed = placed_;  // reused: fresh pages for every chunk cost page faults
    placed.resize(tail_.size());
    for (size_t i = 0; i < tail_.size(); ++i) {
        const Pending& e = tail_[i];
        placed[i] = {{shard_of_[e.src], local_of_[e.src]}, {shard_of_[e.dst], local_of_[e.dst]}};
        ++out_degree_[e.src];
        ++in_degree_[e.dst];
    }
    auto undo_degrees = [&] {
        for (const Pending& e : tail_) {
            --out_degree_[e.src];
            --in_degree_[e.dst];
        }
    };
    try {
        for (int d = 0; d < 2; ++d) {
            auto self = [&](size_t i) { return d == 0 ? placed[i].src : placed[i].dst; };
            auto other = [&](size_t i) { return d == 0 ? placed[i].dst : placed[i].src; };
            // Stable counting sort by bucket: ids stay in order within each bucket.
            uint32_t buckets = 0;
            for (size_t i = 0; i < placed.size(); ++i) buckets = std::max(buckets, bucket_of(self(i).local, self(i).shard, shard_count_) + 1);
            std::vector<uint32_t>& start = chunk.bucket_start[d];
            start.assign(buckets + 1, 0);
            for (size_t i = 0; i < placed.size(); ++i) ++start[bucket_of(self(i).local, self(i).shard, shard_count_) + 1];
            for (uint32_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
            std::vector<uint32_t>& cursor = cursor_;
            cursor.assign(start.begin(), start.end() - 1);
            auto position = [&](size_t i) { return cursor[bucket_of(self(i).local, self(i).shard, shard_count_)]++; };
            if (chunk.plain) {
                sorted_plain_.resize(placed.size());
                PlainEntry* sorted = sorted_plain_.data();
                for (size_t i = 0; i < placed.size(); ++i) sorted[position(i)] = {self(i).local, other(i).local};
                write_direction(chunk, d, sorted, placed.size());
            } else {
                sorted_.resize(placed.size());
                SpilledEdge* sorted = sorted_.data();
                for (size_t i = 0; i < placed.size(); ++i)
                    sorted[position(i)] = {self(i).local, other(i).local, static_cast<uint32_t>(spilled_ + i), other(i).shard, tail_[i].type};
                write_direction(chunk, d, sorted, placed.size());
            }
        }
    } catch (...) {
        undo_degrees();
        throw;
    }
    spilled_ += tail_.size();
    chunks_.push_back(std::move(chunk));
    tail_.clear();
    tail_plain_ = true;
}

template <typename Entry>
void EdgeSpill::write_direction(Chunk& chunk, int d, const Entry* sorted, uint64_t count) {
    const uint64_t length = count * sizeof(Entry);
    if (chunk.in_memory) {
        chunk.file_offset[d] = in_memory_.size();
        const auto* bytes = reinterpret_cast<const char*>(sorted);
        in_memory_.insert(in_memory_.end(), bytes, bytes + length);
        return;
    }
    chunk.file_offset[d] = file_size_;
    write_bytes(file_size_, length, sorted);
    file_size_ += length;
}

void EdgeSpill::write_bytes(uint64_t offset, uint64_t length, const void* from) {
    const auto* bytes = static_cast<const char*>(from);
    for (uint64_t done = 0; done < length;) {
        ssize_t n = ::pwrite(descriptor(), bytes + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw SystemError("cannot write staged edges to a temporary file: " + errno_text(n < 0 ? errno : ENOSPC));
        done += static_cast<uint64_t>(n);
    }
}

void EdgeSpill::read_bytes(const Chunk& chunk, uint64_t offset, uint64_t length, void* into) const {
    if (chunk.in_memory) {
        std::memcpy(into, in_memory_.data() + offset, length);
        return;
    }
    auto* bytes = static_cast<char*>(into);
    for (uint64_t done = 0; done < length;) {
        ssize_t n = ::pread(fd_, bytes + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw SystemError("cannot read staged edges back from their temporary file: " + errno_text(n < 0 ? errno : EIO));
        done += static_cast<uint64_t>(n);
    }
}

template <typename Entry>
void EdgeSpill::read_entries(const Chunk& chunk, int d, uint64_t begin, uint64_t end, std::vector<SpilledEdge>& out,
                             uint32_t first, uint32_t last) const {
    std::vector<Entry> piece;
    for (uint64_t at = begin; at < end;) {
        const uint64_t n = std::min(kReadPieceRecords, end - at);
        piece.resize(n);
        read_bytes(chunk, chunk.file_offset[d] + at * sizeof(Entry), n * sizeof(Entry), piece.data());
        for (const Entry& e : piece) {
            if (e.self_local < first || e.self_local >= last) continue;
            if constexpr (std::is_same_v<Entry, PlainEntry>) out.push_back({e.self_local, e.other_local, kNoId, 0, 0});
            else out.push_back(e);
        }
        at += n;
    }
}

void EdgeSpill::read_window(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::vector<SpilledEdge>& out) const {
    if (first >= last) return;
    const int d = dir == Direction::out ? 0 : 1;
    const uint32_t first_bucket = first >> kBucketShift, last_bucket = (last - 1) >> kBucketShift;
    for (const Chunk& chunk : chunks_) {
        auto take = [&](uint64_t begin, uint64_t end) {
            if (chunk.plain) read_entries<PlainEntry>(chunk, d, begin, end, out, first, last);
            else read_entries<SpilledEdge>(chunk, d, begin, end, out, first, last);
        };
        const std::vector<uint32_t>& start = chunk.bucket_start[d];
        const uint64_t buckets = start.size() - 1;
        uint64_t run_begin = 0, run_end = 0;
        for (uint64_t b = first_bucket; b <= last_bucket; ++b) {
            const uint64_t key = b * shard_count_ + shard;
            if (key >= buckets) break;
            if (start[key] == start[key + 1]) continue;
            if (start[key] != run_end) {  // not contiguous with the run so far
                take(run_begin, run_end);
                run_begin = start[key];
            }
            run_end = start[key + 1];
        }
        take(run_begin, run_end);
    }
}

std::pair<VertexPlace, VertexPlace> EdgeSpill::endpoints(uint32_t id) const {
    auto it = std::upper_bound(chunks_.begin(), chunks_.end(), uint64_t{id}, [](uint64_t v, const Chunk& c) { return v < c.first_id; });
    MMGRAPH_CHECK(it != chunks_.begin() && id < (it - 1)->first_id + (it - 1)->count, "edge id not sealed");
    const Chunk& chunk = *(it - 1);
    MMGRAPH_CHECK(!chunk.plain, "endpoints of a plain edge");
    std::vector<SpilledEdge> records(chunk.count);
    read_bytes(chunk, chunk.file_offset[0], chunk.count * sizeof(SpilledEdge), records.data());
    for (uint64_t i = 0; i < records.size(); ++i) {
        if (records[i].id != id) continue;
        // The source's shard is the bucket's remainder: find the bucket that holds position i.
        const auto& start = chunk.bucket_start[0];
        const uint64_t bucket = static_cast<uint64_t>(std::upper_bound(start.begin(), start.end(), i) - start.begin()) - 1;
        VertexPlace src{static_cast<uint16_t>(bucket % shard_count_), records[i].self_local};
        VertexPlace dst{records[i].other_shard, records[i].other_local};
        return {src, dst};
    }
    MMGRAPH_CHECK(false, "edge id missing from its chunk");
}

}  // namespace mmgraph::detail
