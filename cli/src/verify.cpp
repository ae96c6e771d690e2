// `mmgraph verify`: the deep check of each file (spec §12). A shard is checked with its
// dataset (every shard, then the cross-shard rules of §10), once per dataset however many of
// its shards are named. When every shard of a dataset is named, the dataset is made of those
// files whatever their names (the headers place them, §10); else its other shards are found by
// the names of §10.
#include <iostream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "inspect.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::cli {

namespace {

using DatasetId = std::array<uint8_t, 16>;

// The named files of each multi-shard dataset that are all of its shards, one file per shard
// (a shard named twice counts once). Files that do not open are left to the main loop.
std::map<DatasetId, std::vector<std::filesystem::path>> complete_datasets(const std::vector<std::string>& paths) {
    std::map<DatasetId, std::vector<std::filesystem::path>> named;
    std::map<DatasetId, std::set<uint16_t>> shard_ids;
    std::map<DatasetId, uint16_t> shard_counts;
    for (const std::string& path : paths) {
        try {
            auto file = File::open(path);
            if (file->shard_count() <= 1 || !shard_ids[file->dataset_id()].insert(file->shard_id()).second) continue;
            named[file->dataset_id()].push_back(path);
            shard_counts[file->dataset_id()] = file->shard_count();
        } catch (const Error&) {
        }
    }
    std::erase_if(named, [&](const auto& entry) { return entry.second.size() != shard_counts[entry.first]; });
    return named;
}

// The dataset's first problem, naming the shard it is in when the check of one shard finds it
// (the reader's messages about a section do not name the file). The dataset is opened from
// `shard_files` when given, else from `path` and the names of §10.
std::optional<std::string> check_dataset(const std::string& path, const std::vector<std::filesystem::path>* shard_files) {
    try {
        Dataset dataset = shard_files ? Dataset::open(*shard_files) : Dataset::open(path);
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
    std::map<DatasetId, std::optional<std::string>> datasets;
    const auto complete = complete_datasets(options.files);
    bool all_ok = true;
    for (const std::string& path : options.files) {
        std::optional<std::string> error;
        try {
            auto file = File::open(path);
            file->verify();
            if (file->shard_count() > 1) {
                auto found = datasets.find(file->dataset_id());
                if (found == datasets.end()) {
                    auto named = complete.find(file->dataset_id());
                    found = datasets.emplace(file->dataset_id(), check_dataset(path, named == complete.end() ? nullptr : &named->second)).first;
                }
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
