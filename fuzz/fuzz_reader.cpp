// libFuzzer target: open, verify, fully walk and inspect (anatomy.hpp) an arbitrary file. Any
// outcome but success or mmgraph::Error (a crash, a sanitizer report, another exception, a
// hang) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "mmgraph/anatomy.hpp"
#include "mmgraph/reader.hpp"

namespace {

// The reader maps files, so each input is written to one scratch file in /dev/shm.
const std::string& scratch_path() {
    static const std::string path = "/dev/shm/mmgraph-fuzz-" + std::to_string(::getpid()) + ".mmg";
    return path;
}

void walk(const mmgraph::File& file) {
    for (mmgraph::Vertex v : file.vertices()) {
        (void)v.key();
        const auto& label = file.labels()[v.label()];
        for (uint32_t a = 0; a < label.attributes.size(); ++a) {
            mmgraph::ValueRef value = v.get(a);
            if (!value.is_null()) (void)value.as_bytes();
        }
        for (auto dir : {mmgraph::Direction::out, mmgraph::Direction::in}) {
            if (dir == mmgraph::Direction::in && !file.has_in_edges()) continue;
            for (const mmgraph::Edge& e : v.edges(dir)) {
                if (e.target.shard == file.shard_id() && e.target.index < file.vertex_count())
                    (void)file.vertex(e.target.index).key();
                if (!file.edge_types()[e.type].attributes.empty() && e.target.shard == file.shard_id())
                    (void)file.property(e, 0);
            }
        }
    }
}

// The inspection API the viewer uses: it must stop with an error, never crash.
void inspect(const mmgraph::File& file) {
    for (uint64_t i = 0; i < file.vertex_count() && i < 256; ++i) {
        (void)mmgraph::describe_vertex(file, static_cast<uint32_t>(i));
        for (auto dir : {mmgraph::Direction::out, mmgraph::Direction::in}) {
            try {
                mmgraph::NeighbourList list(file.vertex(i), dir);
                for (uint64_t k = 0; k < list.size() && k < 256; ++k) (void)list.at(k);
            } catch (const mmgraph::Error&) {
            }
        }
    }
    for (uint64_t offset = 0; offset < file.file_size(); offset += 1 + file.file_size() / 64) (void)mmgraph::owner_of(file, offset);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::FILE* f = std::fopen(scratch_path().c_str(), "wb");
    if (!f) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    std::shared_ptr<const mmgraph::File> file;
    try {
        file = mmgraph::File::open(scratch_path());
    } catch (const mmgraph::Error&) {
        return 0;
    }
    try {  // walk before verify: the lazy paths must hold on their own
        walk(*file);
    } catch (const mmgraph::Error&) {
    }
    try {
        inspect(*file);
    } catch (const mmgraph::Error&) {
    }
    try {
        file->verify();
    } catch (const mmgraph::Error&) {
    }
    return 0;
}
