// `mmgraph verify`: the deep check of each file (spec §12). A shard is checked with its
// dataset (every shard, then the cross-shard rules of §10), once per dataset however many of
// its shards are named.
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "inspect.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::cli {

namespace {

// The dataset's first problem, naming the shard it is in when the check of one shard finds it
// (the reader's messages about a section do not name the file).
std::optional<std::string> check_dataset(const std::string& path) {
    try {
        Dataset dataset = Dataset::open(path);
        try {
            dataset.verify();
            return std::nullopt;
        } catch (const Error& e) {
            for (uint16_t s = 0; s < dataset.shard_count(); ++s) {
                const File& shard = dataset.shard(s);
                try {
                    shard.verify();
                } catch (const Error& shard_error) {
                    return "shard " + shard.path().string() + ": " + without_path(shard_error.what(), shard.path().string());
                }
            }
            return std::string(e.what());
        }
    } catch (const Error& e) {
        return std::string(e.what());
    }
}

}  // namespace

bool run_verify(const VerifyOptions& options) {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    std::map<std::array<uint8_t, 16>, std::optional<std::string>> datasets;
    bool all_ok = true;
    for (const std::string& path : options.files) {
        std::optional<std::string> error;
        try {
            auto file = File::open(path);
            file->verify();
            if (file->shard_count() > 1) {
                auto found = datasets.find(file->dataset_id());
                if (found == datasets.end()) found = datasets.emplace(file->dataset_id(), check_dataset(path)).first;
                if (found->second) error = "dataset: " + *found->second;
            }
        } catch (const Error& e) {
            error = without_path(e.what(), path);
        }
        all_ok = all_ok && !error;
        if (options.json) {
            results.push_back({{"file", path}, {"ok", !error}, {"error", error ? nlohmann::ordered_json(*error) : nullptr}});
        } else {
            std::cout << path << ": " << (error ? *error : "ok") << "\n";
        }
    }
    if (options.json) std::cout << results.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return all_ok;
}

}  // namespace mmgraph::cli
