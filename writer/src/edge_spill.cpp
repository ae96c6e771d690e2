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
                     const std::vector<uint32_t>& local_of, bool background)
    : shard_count_(shard_count), directory_(std::move(directory)), shard_of_(shard_of), local_of_(local_of), background_(background) {}

EdgeSpill::~EdgeSpill() {
    if (writer_.joinable()) writer_.join();
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
    if (fd_ < 0) throw_io("cannot create a temporary file for staged edges in " + dir.string(), errno);
    return fd_;
}

void EdgeSpill::append(uint32_t src, uint32_t dst, uint16_t type, bool plain) {
    make_room();
    if (tail_.empty()) tail_.reserve(kChunkEdges);
    tail_one_type_ = tail_one_type_ && (tail_.empty() || type == tail_.front().type);
    tail_.push_back({src, dst, type});
    tail_plain_ = tail_plain_ && plain;
}

void EdgeSpill::wait_for_writer() {
    if (writer_.joinable()) writer_.join();
    if (write_failure_) {
        write_failure_ = nullptr;
        write_batch(writing_);  // once more, here: it throws if the cause remains
    }
    // A write that failed on this thread before (background off) is still pending.
    if (writing_.pending) write_batch(writing_);
}

void EdgeSpill::hand_off_tail() {
    wait_for_writer();
    descriptor();  // made here, so that a failure leaves the tail as it was
    place_tail(writing_, false);
    if (!background_) {
        write_batch(writing_);
        return;
    }
    writer_ = std::thread([this] {
        try {
            write_batch(writing_);
        } catch (...) {
            write_failure_ = std::current_exception();
        }
    });
}

void EdgeSpill::seal() {
    wait_for_writer();
    if (!tail_.empty()) {
        // A graph that fits one partial chunk stays in memory.
        const bool in_memory = chunks_.empty() && tail_.size() < kChunkEdges;
        if (!in_memory) descriptor();
        place_tail(writing_, in_memory);
        write_batch(writing_);
    }
    out_degree_.resize(shard_of_.size(), 0);  // vertices added since the last chunk
    in_degree_.resize(shard_of_.size(), 0);
}

// Takes the tail into `batch`. With several shards the endpoints are placed here, on the adding
// thread, because the place vectors grow as vertices are added; with one shard a vertex's local
// index is its id, and the writing thread places and counts.
void EdgeSpill::place_tail(Batch& batch, bool in_memory) {
    Chunk& chunk = batch.chunk;
    chunk = Chunk{};
    chunk.first_id = spilled_;
    chunk.count = tail_.size();
    chunk.in_memory = in_memory;
    chunk.kind = shard_count_ != 1 ? Kind::general : tail_plain_ ? Kind::plain : tail_one_type_ ? Kind::one_type : Kind::general;
    chunk.type = tail_.front().type;
    out_degree_.resize(shard_of_.size(), 0);
    in_degree_.resize(shard_of_.size(), 0);
    batch.edges.swap(tail_);
    batch.counted = false;
    if (shard_count_ != 1) {
        batch.placed.resize(batch.edges.size());
        for (size_t i = 0; i < batch.edges.size(); ++i) {
            const Pending& e = batch.edges[i];
            batch.placed[i] = {{shard_of_[e.src], local_of_[e.src]}, {shard_of_[e.dst], local_of_[e.dst]}, e.type};
        }
    }
    batch.pending = true;
    spilled_ += chunk.count;
    tail_.clear();
    tail_plain_ = true;
    tail_one_type_ = true;
}

void EdgeSpill::write_batch(Batch& batch) {
    if (!batch.counted) {
        // One tight loop: its random reads overlap, where one edge at a time they would wait.
        if (shard_count_ == 1) batch.placed.resize(batch.edges.size());
        for (size_t i = 0; i < batch.edges.size(); ++i) {
            const Pending& e = batch.edges[i];
            ++out_degree_[e.src];
            ++in_degree_[e.dst];
            if (shard_count_ == 1) batch.placed[i] = {{0, e.src}, {0, e.dst}, e.type};
        }
        batch.counted = true;
    }
    Chunk& chunk = batch.chunk;
    const uint64_t first_id = chunk.first_id;
    switch (chunk.kind) {
        case Kind::plain:
            for (int d = 0; d < 2; ++d)
                write_direction<PlainEntry>(batch, d, [](const VertexPlace& self, const VertexPlace& other, const Placed&, size_t) {
                    return PlainEntry{self.local, other.local};
                });
            break;
        case Kind::one_type:
            for (int d = 0; d < 2; ++d)
                write_direction<CompactEntry>(batch, d, [](const VertexPlace& self, const VertexPlace& other, const Placed&, size_t i) {
                    constexpr uint32_t low = (1u << kBucketShift) - 1;
                    return CompactEntry{other.local, (self.local & low) | static_cast<uint32_t>(i) << kBucketShift};
                });
            break;
        case Kind::general:
            for (int d = 0; d < 2; ++d)
                write_direction<SpilledEdge>(batch, d, [&](const VertexPlace& self, const VertexPlace& other, const Placed& e, size_t i) {
                    return SpilledEdge{self.local, other.local, static_cast<uint32_t>(first_id + i), other.shard, e.type};
                });
            break;
    }
    chunks_.push_back(std::move(chunk));
    batch.pending = false;
}

// Stable counting sort of the batch by bucket (ids stay in order within each bucket), then one
// write. A failure leaves the chunk unlisted; its bytes are written again at the end on retry.
template <typename Entry, typename MakeEntry>
void EdgeSpill::write_direction(Batch& batch, int d, MakeEntry make_entry) {
    Chunk& chunk = batch.chunk;
    const std::vector<Placed>& placed = batch.placed;
    auto self = [&](size_t i) -> const VertexPlace& { return d == 0 ? placed[i].src : placed[i].dst; };
    auto other = [&](size_t i) -> const VertexPlace& { return d == 0 ? placed[i].dst : placed[i].src; };
    uint32_t buckets = 0;
    for (size_t i = 0; i < placed.size(); ++i) buckets = std::max(buckets, bucket_of(self(i).local, self(i).shard, shard_count_) + 1);
    std::vector<uint32_t>& start = chunk.bucket_start[d];
    start.assign(buckets + 1, 0);
    for (size_t i = 0; i < placed.size(); ++i) ++start[bucket_of(self(i).local, self(i).shard, shard_count_) + 1];
    for (uint32_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
    cursor_.assign(start.begin(), start.end() - 1);
    const uint64_t length = placed.size() * sizeof(Entry);
    sorted_.resize(length);
    auto* sorted = reinterpret_cast<Entry*>(sorted_.data());
    for (size_t i = 0; i < placed.size(); ++i)
        sorted[cursor_[bucket_of(self(i).local, self(i).shard, shard_count_)]++] = make_entry(self(i), other(i), placed[i], i);
    if (chunk.in_memory) {
        chunk.file_offset[d] = in_memory_.size();
        in_memory_.insert(in_memory_.end(), sorted_.begin(), sorted_.end());
        return;
    }
    write_bytes(file_size_, length, sorted);
    chunk.file_offset[d] = file_size_;
    file_size_ += length;
}

void EdgeSpill::write_bytes(uint64_t offset, uint64_t length, const void* from) {
    const auto* bytes = static_cast<const char*>(from);
    for (uint64_t done = 0; done < length;) {
        ssize_t n = ::pwrite(descriptor(), bytes + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_io("cannot write staged edges to a temporary file", n < 0 ? errno : ENOSPC);
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
        if (n <= 0) throw_io("cannot read staged edges back from their temporary file", n < 0 ? errno : EIO);
        done += static_cast<uint64_t>(n);
    }
}

template <typename Entry>
void EdgeSpill::read_entries(const Chunk& chunk, int d, uint64_t begin, uint64_t end, std::vector<SpilledEdge>& out,
                             uint32_t first, uint32_t last) const {
    // A compact entry's list is the bucket it lies in (one shard: bucket = local >> shift).
    const std::vector<uint32_t>& start = chunk.bucket_start[d];
    uint64_t bucket = 0;
    if constexpr (std::is_same_v<Entry, CompactEntry>)
        bucket = static_cast<uint64_t>(std::upper_bound(start.begin(), start.end(), begin) - start.begin()) - 1;
    std::vector<Entry> piece;
    for (uint64_t at = begin; at < end;) {
        const uint64_t n = std::min(kReadPieceRecords, end - at);
        piece.resize(n);
        read_bytes(chunk, chunk.file_offset[d] + at * sizeof(Entry), n * sizeof(Entry), piece.data());
        for (uint64_t i = 0; i < n; ++i) {
            const Entry& e = piece[i];
            if constexpr (std::is_same_v<Entry, CompactEntry>) {
                while (start[bucket + 1] <= at + i) ++bucket;
                constexpr uint32_t low = (1u << kBucketShift) - 1;
                const uint32_t self = static_cast<uint32_t>(bucket << kBucketShift) | (e.low_and_offset & low);
                if (self < first || self >= last) continue;
                const uint64_t id = chunk.first_id + (e.low_and_offset >> kBucketShift);
                out.push_back({self, e.other_local, static_cast<uint32_t>(id), 0, chunk.type});
            } else {
                if (e.self_local < first || e.self_local >= last) continue;
                if constexpr (std::is_same_v<Entry, PlainEntry>) out.push_back({e.self_local, e.other_local, kNoId, 0, 0});
                else out.push_back(e);
            }
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
            if (begin == end) return;
            switch (chunk.kind) {
                case Kind::plain: read_entries<PlainEntry>(chunk, d, begin, end, out, first, last); break;
                case Kind::one_type: read_entries<CompactEntry>(chunk, d, begin, end, out, first, last); break;
                case Kind::general: read_entries<SpilledEdge>(chunk, d, begin, end, out, first, last); break;
            }
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
    MMGRAPH_CHECK(chunk.kind != Kind::plain, "endpoints of a plain edge");
    std::vector<SpilledEdge> records;
    const uint32_t everything = 0xFFFF'FFFFu;
    if (chunk.kind == Kind::one_type) read_entries<CompactEntry>(chunk, 0, 0, chunk.count, records, 0, everything);
    else read_entries<SpilledEdge>(chunk, 0, 0, chunk.count, records, 0, everything);
    const auto& start = chunk.bucket_start[0];
    for (uint64_t i = 0; i < records.size(); ++i) {
        if (records[i].id != id) continue;
        // The source's shard is the bucket's remainder: find the bucket that holds position i.
        const uint64_t bucket = static_cast<uint64_t>(std::upper_bound(start.begin(), start.end(), i) - start.begin()) - 1;
        VertexPlace src{static_cast<uint16_t>(bucket % shard_count_), records[i].self_local};
        VertexPlace dst{records[i].other_shard, records[i].other_local};
        return {src, dst};
    }
    MMGRAPH_CHECK(false, "edge id missing from its chunk");
}

}  // namespace mmgraph::detail
