#include "edge_spill.hpp"
#include "os_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>

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

size_t EdgeSpill::append_plain(std::span<const uint32_t> src, std::span<const uint32_t> dst) {
    const uint32_t limit = tail_limit(kPlainChunkEdges);
    if (tail_.empty()) tail_.reserve(limit);
    tail_one_type_ = tail_one_type_ && (tail_.empty() || tail_.front().type == 0);
    const size_t n = std::min<size_t>(src.size(), limit - tail_.size());
    // Appended one by one into the reserved room: a resize() first zeroed each 12-byte entry
    // that the loop then wrote again, a second pass over a tail of 12 MiB.
    for (size_t i = 0; i < n; ++i) tail_.push_back({src[i], dst[i], 0});
    return n;
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
    batch.degrees_counted[0] = batch.degrees_counted[1] = false;
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
    Chunk& chunk = batch.chunk;
    if (chunk.kind != Kind::general) {
        write_packed(batch);  // counts the degrees itself, in bucket order
    } else {
        if (!batch.counted) {
            // One tight loop: its random reads overlap, where one edge at a time they would wait.
            const bool place = shard_count_ == 1;
            if (place) batch.placed.resize(batch.edges.size());
            for (size_t i = 0; i < batch.edges.size(); ++i) {
                const Pending& e = batch.edges[i];
                ++out_degree_[e.src];
                ++in_degree_[e.dst];
                if (place) batch.placed[i] = {{0, e.src}, {0, e.dst}, e.type};
            }
            batch.counted = true;
        }
        const uint64_t first_id = chunk.first_id;
        for (int d = 0; d < 2; ++d) {
            sort_direction<SpilledEdge>(batch, d, [&](const VertexPlace& self, const VertexPlace& other, const Placed& e, size_t i) {
                return SpilledEdge{self.local, other.local, static_cast<uint32_t>(first_id + i), other.shard, e.type};
            });
            store_direction(chunk, d, chunk.count * sizeof(SpilledEdge));
        }
    }
    chunks_.push_back(std::move(chunk));
    batch.pending = false;
}

// A packed chunk has one shard, where a vertex's local index is its id: its entries are sorted
// straight from the pending edges, as 4-byte words when they fit (an edge list of up to 2^24
// vertices: half the bytes to scatter, and no packing after) or 8-byte ones, then packed in
// place if narrower (entry i's bytes go to i * entry_bytes, never past the word i + 1 still to be
// read). Every chunk and direction has the buckets of the largest endpoint; the ones past a
// direction's own largest stay empty. Degrees are counted after the sort, bucket by bucket: the
// counters touched are then a few neighbouring cache lines at a time, where in edge order every
// count was a cache miss once the degree arrays outgrew the cache (4 million vertices).
void EdgeSpill::write_packed(Batch& batch) {
    Chunk& chunk = batch.chunk;
    if (!batch.counted) {
        uint32_t largest = 0;
        for (const Pending& e : batch.edges) largest = std::max({largest, e.src, e.dst});
        batch.largest_id = largest;
        batch.counted = true;
    }
    const bool with_offset = chunk.kind == Kind::one_type;
    chunk.offset_bits = with_offset ? static_cast<uint8_t>(std::bit_width(chunk.count - 1)) : 0;
    const unsigned other_shift = kBucketShift + chunk.offset_bits;
    chunk.entry_bytes = static_cast<uint8_t>((other_shift + std::bit_width(batch.largest_id) + 7) / 8);
    const uint32_t buckets = (batch.largest_id >> kBucketShift) + 1;
    const Pending* edges = batch.edges.data();
    auto sort = [&]<typename Word>(int d, Word, auto self_of, auto other_of) {
        std::vector<uint32_t>& start = chunk.bucket_start[d];
        start.assign(buckets + 1, 0);
        for (uint64_t i = 0; i < chunk.count; ++i) ++start[(self_of(edges[i]) >> kBucketShift) + 1];
        for (uint32_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
        cursor_.assign(start.begin(), start.end() - 1);
        sorted_.resize(chunk.count * sizeof(Word));
        auto* sorted = reinterpret_cast<Word*>(sorted_.data());
        constexpr uint32_t low = (1u << kBucketShift) - 1;
        for (uint64_t i = 0; i < chunk.count; ++i) {
            const uint32_t self = self_of(edges[i]);
            const uint64_t offset = with_offset ? i : 0;
            sorted[cursor_[self >> kBucketShift]++] =
                static_cast<Word>(uint64_t{self & low} | offset << kBucketShift | uint64_t{other_of(edges[i])} << other_shift);
        }
        uint32_t* degree = (d == 0 ? out_degree_ : in_degree_).data();
        if (!batch.degrees_counted[d]) {  // not again when a failed write is retried
            for (uint32_t b = 0; b < buckets; ++b)
                for (uint64_t i = start[b]; i < start[b + 1]; ++i) ++degree[b << kBucketShift | (static_cast<uint32_t>(sorted[i]) & low)];
            batch.degrees_counted[d] = true;
        }
        if (chunk.entry_bytes != sizeof(Word)) {
            char* bytes = sorted_.data();
            for (uint64_t i = 0; i < chunk.count; ++i) {
                const Word value = sorted[i];  // read before the narrower entries before it reach its bytes
                std::memcpy(bytes + i * chunk.entry_bytes, &value, sizeof value);
            }
        }
        store_direction(chunk, d, chunk.count * chunk.entry_bytes);
    };
    auto src = [](const Pending& e) { return e.src; };
    auto dst = [](const Pending& e) { return e.dst; };
    if (chunk.entry_bytes <= sizeof(uint32_t)) {
        sort(0, uint32_t{}, src, dst);
        sort(1, uint32_t{}, dst, src);
    } else {
        sort(0, uint64_t{}, src, dst);
        sort(1, uint64_t{}, dst, src);
    }
}

// Stable counting sort of the batch by bucket (ids stay in order within each bucket) into sorted_.
template <typename Entry, typename MakeEntry>
void EdgeSpill::sort_direction(Batch& batch, int d, MakeEntry make_entry) {
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
    sorted_.resize(placed.size() * sizeof(Entry));
    auto* sorted = reinterpret_cast<Entry*>(sorted_.data());
    for (size_t i = 0; i < placed.size(); ++i)
        sorted[cursor_[bucket_of(self(i).local, self(i).shard, shard_count_)]++] = make_entry(self(i), other(i), placed[i], i);
}

// Writes the first `length` bytes of sorted_ as the chunk's direction `d`. A failure leaves the
// chunk unlisted; its bytes are written again at the end on retry.
void EdgeSpill::store_direction(Chunk& chunk, int d, uint64_t length) {
    if (chunk.in_memory) {
        chunk.file_offset[d] = in_memory_.size();
        in_memory_.insert(in_memory_.end(), sorted_.begin(), sorted_.begin() + static_cast<ptrdiff_t>(length));
        return;
    }
    write_bytes(file_size_, length, sorted_.data());
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

template <typename Emit>
void EdgeSpill::read_packed(const Chunk& chunk, int d, uint64_t begin, uint64_t end, uint32_t first, uint32_t last, Emit emit) const {
    // An entry's list is the bucket it lies in (one shard: bucket = local >> shift).
    const std::vector<uint32_t>& start = chunk.bucket_start[d];
    uint64_t bucket = static_cast<uint64_t>(std::upper_bound(start.begin(), start.end(), begin) - start.begin()) - 1;
    const uint64_t width = chunk.entry_bytes;
    const uint64_t mask = width == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
    const uint64_t offset_mask = (uint64_t{1} << chunk.offset_bits) - 1;
    const unsigned other_shift = kBucketShift + chunk.offset_bits;
    const bool plain = chunk.kind == Kind::plain;
    std::vector<char> piece;
    for (uint64_t at = begin; at < end;) {
        const uint64_t n = std::min(kReadPieceRecords, end - at);
        piece.resize(n * width + sizeof(uint64_t));  // the last entry is loaded as 8 bytes
        read_bytes(chunk, chunk.file_offset[d] + at * width, n * width, piece.data());
        // A bucket at a time: its lists share the high bits, and only the buckets at the
        // window's ends hold lists outside it.
        for (uint64_t i = 0; i < n;) {
            while (start[bucket + 1] <= at + i) ++bucket;
            const uint64_t bucket_end = std::min<uint64_t>(n, start[bucket + 1] - at);
            constexpr uint32_t low = (1u << kBucketShift) - 1;
            const auto high = static_cast<uint32_t>(bucket << kBucketShift);
            const bool whole = high >= first && uint64_t{high} + low < last;
            for (; i < bucket_end; ++i) {
                uint64_t value;
                std::memcpy(&value, piece.data() + i * width, sizeof value);
                value &= mask;
                const uint32_t self = high | (static_cast<uint32_t>(value) & low);
                if (!whole && (self < first || self >= last)) continue;
                const auto other = static_cast<uint32_t>(value >> other_shift);
                if (plain) {
                    emit(SpilledEdge{self, other, kNoId, 0, 0});
                } else {
                    const uint64_t id = chunk.first_id + ((value >> kBucketShift) & offset_mask);
                    emit(SpilledEdge{self, other, static_cast<uint32_t>(id), 0, chunk.type});
                }
            }
        }
        at += n;
    }
}

template <typename Emit>
void EdgeSpill::read_general(const Chunk& chunk, int d, uint64_t begin, uint64_t end, uint32_t first, uint32_t last, Emit emit) const {
    std::vector<SpilledEdge> piece;
    for (uint64_t at = begin; at < end;) {
        const uint64_t n = std::min(kReadPieceRecords, end - at);
        piece.resize(n);
        read_bytes(chunk, chunk.file_offset[d] + at * sizeof(SpilledEdge), n * sizeof(SpilledEdge), piece.data());
        for (const SpilledEdge& e : piece)
            if (e.self_local >= first && e.self_local < last) emit(e);
        at += n;
    }
}

void EdgeSpill::read_window(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::vector<SpilledEdge>& out) const {
    read_window_entries(dir, shard, first, last, [&out](const SpilledEdge& e) { out.push_back(e); });
}

template <typename Out, typename Project>
void EdgeSpill::place_by_list(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::span<uint64_t> next, Out* out, uint64_t room,
                              Project project) const {
    read_window_entries(dir, shard, first, last, [next = next.data(), first, out, room, project](const SpilledEdge& e) {
        const uint64_t slot = next[e.self_local - first]++;
        MMGRAPH_CHECK(slot < room, "a staged list holds more entries than its degree");
        out[slot] = project(e);
    });
}

void EdgeSpill::read_window_by_list(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::span<uint64_t> next, SpilledEdge* out,
                                    uint64_t room) const {
    place_by_list(dir, shard, first, last, next, out, room, [](const SpilledEdge& e) { return e; });
}

void EdgeSpill::read_window_others_by_list(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::span<uint64_t> next, uint32_t* out,
                                           uint64_t room) const {
    place_by_list(dir, shard, first, last, next, out, room, [](const SpilledEdge& e) { return e.other_local; });
}

bool EdgeSpill::all_plain() const {
    return std::all_of(chunks_.begin(), chunks_.end(), [](const Chunk& c) { return c.kind == Kind::plain; });
}

template <typename Emit>
void EdgeSpill::read_window_entries(Direction dir, uint16_t shard, uint32_t first, uint32_t last, Emit emit) const {
    if (first >= last) return;
    const int d = dir == Direction::out ? 0 : 1;
    const uint32_t first_bucket = first >> kBucketShift, last_bucket = (last - 1) >> kBucketShift;
    for (const Chunk& chunk : chunks_) {
        auto take = [&](uint64_t begin, uint64_t end) {
            if (begin == end) return;
            if (chunk.kind == Kind::general) read_general(chunk, d, begin, end, first, last, emit);
            else read_packed(chunk, d, begin, end, first, last, emit);
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
    auto keep = [&records](const SpilledEdge& e) { records.push_back(e); };
    if (chunk.kind == Kind::one_type) read_packed(chunk, 0, 0, chunk.count, 0, everything, keep);
    else read_general(chunk, 0, 0, chunk.count, 0, everything, keep);
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
