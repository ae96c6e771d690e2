// The graph of tests/data/temporal.mmg (format 2.2): every type of 2.2 and its list, at the
// range limits, in named zones across DST changes, nulls and empty lists, as attributes and as
// edge properties. Written by test_golden (byte-identical to the committed file) and damaged
// by the sweep of test_damaged. No Catch2 here.
#pragma once

#include <cstdint>
#include <filesystem>

#include "mmgraph/format/temporal.hpp"

namespace mmgraph::test {

// A datetime from its local wall clock and offset: the UTC seconds the format stores.
format::DateTime datetime_at(format::CivilDate day, int64_t hour, int64_t minute, int64_t second, uint32_t nanos, int32_t offset);

void write_temporal_graph(const std::filesystem::path& path, unsigned threads);

}  // namespace mmgraph::test
