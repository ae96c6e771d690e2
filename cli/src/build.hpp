// `mmgraph build`: runs the importer (import/) and prints its progress, skipped rows and summary
// on stderr.
#pragma once

#include <string>

#include "mmgraph/import.hpp"

namespace mmgraph::cli {

// `quiet`: no progress lines (errors, skipped rows and the summary are still printed).
// `report_file`, when not empty: every skipped row is written there as FILE:LINE:COLUMN: reason.
void run_build(const importer::BuildOptions& options, bool quiet, const std::string& report_file = {});

}  // namespace mmgraph::cli
