// Custom libFuzzer mutator for fuzz_reader. Almost every random mutation breaks the header or a
// section checksum, which open() and verify() refuse at once. This mutator therefore reseals
// most mutants: it sets the header's file size to the input's size and recomputes every
// checksum, so that mutations reach the structural checks and the lazy decoders behind them. A
// quarter stay unsealed, to keep the checksum paths fuzzed too.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/layout.hpp"
#include "support/probe.hpp"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
    size = LLVMFuzzerMutate(data, size, max_size);
    if (seed % 4 == 0 || size < mmgraph::format::header::kSize) return size;
    mmgraph::format::store<uint64_t>(data + mmgraph::format::header::kFileSizeOff, size);
    mmgraph::test::reseal(std::span<uint8_t>(data, size));
    return size;
}
