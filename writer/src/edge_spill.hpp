// Staged edges kept off the heap, so that the writer's memory does not grow with the edge count
// (the adjacency is the bulk of a graph). Edges arrive, in id order, into a small in-memory tail;
// each full tail becomes a chunk of an unnamed temporary file, written twice: grouped by source
// and grouped by target. Within a chunk and direction, a stable counting sort orders the edges by
// bucket = (local index >> kBucketShift) * shard_count + shard, so that the edges of one shard's
// window of local indices come back with a few sequential reads per chunk, in edge id order.
// One-shard chunks of one type pack each entry into as few bytes as its chunk's largest vertex
// id and edge count need (4 for an edge list of up to 2^24 vertices): writing the file is most of
// the cost of staging.
//
// With `background` set, a full tail is sorted and written by a thread of its own while the next
// tail fills: the adding thread is what limits an import, and the write was a third of its work.
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "mmgraph/types.hpp"

namespace mmgraph::detail {

// Where a vertex lives: fixed when it is added (§10: shard = key hash % K, local indices in
// order of addition within the shard).
struct VertexPlace {
    uint16_t shard = 0;
    uint32_t local = 0;
};

// One adjacency entry as read back: the list it belongs to (`self`), the other endpoint, the
// edge id and its type.
struct SpilledEdge {
    uint32_t self_local;
    uint32_t other_local;
    uint32_t id;
    uint16_t other_shard;
    uint16_t type;
};
static_assert(sizeof(SpilledEdge) == 16);

class EdgeSpill {
public:
    // `shard_of` and `local_of` give each vertex's place by global id (they grow as vertices
    // are added; an edge's endpoints are placed when its chunk is written). The temporary file
    // is created in `directory` (empty: the system's temporary directory) once the first chunk
    // fills: a graph smaller than a chunk stays in memory.
    EdgeSpill(uint16_t shard_count, std::filesystem::path directory, const std::vector<uint16_t>& shard_of,
              const std::vector<uint32_t>& local_of, bool background);
    ~EdgeSpill();
    EdgeSpill(const EdgeSpill&) = delete;
    EdgeSpill& operator=(const EdgeSpill&) = delete;

    uint64_t size() const { return spilled_ + tail_.size(); }
    // Hands a full tail to be written (which can fail: a full disk), so that the next append
    // cannot. A failed write is kept and tried again by the next call. `plain_limit`: how many
    // edges a tail of plain edges alone may hold before the next append_plain (append() always
    // finds room for one more edge within kChunkEdges).
    void make_room(uint32_t plain_limit = kChunkEdges) {
        if (tail_.size() >= tail_limit(plain_limit)) hand_off_tail();
    }
    // `plain`: type 0 without properties, the only edges a one-shard chunk can store without
    // their id and type (they need neither: no ordinal, no property row).
    void append(uint32_t src, uint32_t dst, uint16_t type, bool plain);
    // Plain edges src[i] -> dst[i], as many as the tail has room for (at least one after
    // make_room(kPlainChunkEdges)); returns how many.
    size_t append_plain(std::span<const uint32_t> src, std::span<const uint32_t> dst);
    // Moves the tail into the chunks and waits for every write; reads see only sealed edges.
    // Appending may go on after.
    void seal();

    // Per vertex by global id, the sealed edges that leave it (out) or reach it (in).
    const std::vector<uint32_t>& degree(Direction dir) const { return dir == Direction::out ? out_degree_ : in_degree_; }
    // Appends to `out`, in edge id order, the sealed edges whose `dir` endpoint is in `shard`
    // with a local index in [first, last). Safe to call from several threads at once. Entries
    // of plain edges carry type 0 and no id (kNoId).
    void read_window(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::vector<SpilledEdge>& out) const;
    // The same entries, each put straight in its list's place: an entry of list l (a local index
    // in [first, last)) goes to out[next[l - first]++], below `room`. `next` starts at each list's
    // first slot, which the degrees give; one pass, where appending, counting and moving took three.
    void read_window_by_list(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::span<uint64_t> next, SpilledEdge* out,
                             uint64_t room) const;
    // The same for a spill whose chunks are all plain (all_plain()): only each entry's other
    // endpoint's local index, a quarter of the bytes to place.
    void read_window_others_by_list(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::span<uint64_t> next, uint32_t* out,
                                    uint64_t room) const;
    // Whether every sealed chunk holds plain edges (type 0, no properties, one shard), whose
    // entries are their other endpoints alone.
    bool all_plain() const;
    // The places of edge `id`'s source and target, for an error message about an edge with
    // properties (it reads a whole chunk).
    std::pair<VertexPlace, VertexPlace> endpoints(uint32_t id) const;

    static constexpr unsigned kBucketShift = 8;
    static constexpr unsigned kChunkBits = 18;
    static constexpr uint32_t kChunkEdges = 1u << kChunkBits;
    // A one-shard chunk of plain edges only (an edge list's) may be this large: each chunk's
    // degree counts sweep the degree arrays once, whatever its size, and at 2^18 edges over
    // 4 million vertices that sweep was most of the staging thread's time.
    static constexpr unsigned kPlainChunkBits = 20;
    static constexpr uint32_t kPlainChunkEdges = 1u << kPlainChunkBits;
    static constexpr uint32_t kNoId = 0xFFFF'FFFFu;

private:
    struct Pending {
        uint32_t src, dst;  // global ids
        uint16_t type;
    };
    // How a chunk stores its entries. One shard makes the list's shard implicit, and the
    // bucket holds all but the low kBucketShift bits of its local index. A packed entry is the
    // low `entry_bytes` bytes, little-endian, of: the list's local index's low kBucketShift bits,
    // then (one_type only) id - first_id in `offset_bits`, then the other endpoint's local index.
    enum class Kind : uint8_t {
        plain,     // type 0, no properties, one shard: packed, no id (none needed)
        one_type,  // one type, one shard: packed, id relative to the chunk
        general,   // SpilledEdge, 16 bytes
    };
    // Only one_type entries hold an id offset, and such a tail closes at kChunkEdges.
    static_assert(kBucketShift + kChunkBits + 32 <= 64 && kChunkBits <= kPlainChunkBits, "a packed entry must fit 64 bits");
    struct Chunk {
        uint64_t first_id = 0, count = 0;
        Kind kind = Kind::general;
        uint8_t entry_bytes = sizeof(SpilledEdge);
        uint8_t offset_bits = 0;                // packed one_type entries: width of id - first_id
        uint16_t type = 0;                      // the type of every edge of a one_type chunk
        bool in_memory = false;                 // held in in_memory_ rather than the file
        uint64_t file_offset[2] = {0, 0};       // per direction, in the file or in_memory_
        std::vector<uint32_t> bucket_start[2];  // per direction: per bucket, + end
    };
    struct Placed {
        VertexPlace src, dst;
        uint16_t type;
    };
    // A tail on its way into the chunks.
    struct Batch {
        Chunk chunk;
        std::vector<Pending> edges;
        std::vector<Placed> placed;
        uint32_t largest_id = 0;  // of an endpoint, once counted (packed chunks)
        bool counted = false;     // general: degrees counted and endpoints placed; packed: largest_id known
        bool degrees_counted[2] = {false, false};  // packed: per direction
        bool pending = false;
    };

    // How many edges the tail may hold: `plain_limit` while it is plain in one shard (a plain
    // chunk), kChunkEdges once any other edge is in it.
    uint32_t tail_limit(uint32_t plain_limit) const { return tail_plain_ && shard_count_ == 1 ? plain_limit : kChunkEdges; }
    void hand_off_tail();
    void place_tail(Batch& batch, bool in_memory);
    void wait_for_writer();  // afterwards no write is running and none is pending
    void write_batch(Batch& batch);
    template <typename Entry, typename MakeEntry>
    void sort_direction(Batch& batch, int d, MakeEntry make_entry);
    void write_packed(Batch& batch);
    void store_direction(Chunk& chunk, int d, uint64_t length);
    void read_bytes(const Chunk& chunk, uint64_t offset, uint64_t length, void* into) const;
    void write_bytes(uint64_t offset, uint64_t length, const void* from);
    // Readers of entries [begin, end) of a chunk's direction d: each one whose list is in
    // [first, last) is handed to `emit`, in file order.
    template <typename Emit>
    void read_window_entries(Direction dir, uint16_t shard, uint32_t first, uint32_t last, Emit emit) const;
    // read_window_by_list's placing, of project(entry) for each entry.
    template <typename Out, typename Project>
    void place_by_list(Direction dir, uint16_t shard, uint32_t first, uint32_t last, std::span<uint64_t> next, Out* out, uint64_t room,
                       Project project) const;
    template <typename Emit>
    void read_packed(const Chunk& chunk, int d, uint64_t begin, uint64_t end, uint32_t first, uint32_t last, Emit emit) const;
    template <typename Emit>
    void read_general(const Chunk& chunk, int d, uint64_t begin, uint64_t end, uint32_t first, uint32_t last, Emit emit) const;
    int descriptor();

    uint16_t shard_count_;
    std::filesystem::path directory_;
    const std::vector<uint16_t>& shard_of_;
    const std::vector<uint32_t>& local_of_;
    const bool background_;
    int fd_ = -1;
    uint64_t spilled_ = 0;  // edges moved out of the tail (placed), written or not
    std::vector<Pending> tail_;
    bool tail_plain_ = true;
    bool tail_one_type_ = true;  // every edge of the tail has the first one's type
    std::vector<uint32_t> out_degree_, in_degree_;

    // Written by the writing thread while it runs, by the adding thread otherwise.
    Batch writing_;
    std::thread writer_;
    std::exception_ptr write_failure_;
    uint64_t file_size_ = 0;
    std::vector<char> in_memory_;
    std::vector<Chunk> chunks_;
    std::vector<uint32_t> cursor_;  // scratch, reused: fresh pages for every chunk cost page faults
    std::vector<char> sorted_;
};

}  // namespace mmgraph::detail
