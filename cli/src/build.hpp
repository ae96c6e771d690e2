// `mmgraph build`: runs the importer (import/) and prints its progress, skipped rows and summary
// on stderr.
#pragma once

#include "mmgraph/import.hpp"

namespace mmgraph::cli {

// `quiet`: no progress lines (errors, skipped rows and the summary are still printed).
void run_build(const importer::BuildOptions& options, bool quiet);

}  // namespace mmgraph::cli
