// What the viewer has open: the file (or the error that stopped it opening), the walker's
// history and the current vertex with its decoded anatomy and neighbour lists. GL-free; the
// panels read it and call its navigation methods, and so do walk scripts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "footprint.hpp"
#include "history.hpp"
#include "mmgraph/anatomy.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::viewer {

// The current vertex, decoded once when selected so frames only read it.
struct CurrentVertex {
    uint32_t index = 0;
    std::string key;
    std::string label;                // every label, ';'-separated (its label set, spec §6.6)
    std::vector<std::string> labels;  // the same, one name each
    std::string id_space;             // its key's ID space (spec §8.3); empty for the default
    std::vector<std::pair<std::string, std::string>> attributes;  // "name (type)", value text
    VertexAnatomy anatomy;
    NeighbourList out, in;
    std::string error;  // a damaged record: what the reader said
    Footprint footprint;               // what reading it touched
    std::optional<uint64_t> hop_new_pages;  // of those pages, how many the previous vertex had not touched
};

// A byte chosen by offset (go to offset, a click on the map, a walk's `offset N`).
struct SelectedByte {
    ByteOwner owner;
    std::string text;  // describe_owner(): section, vertex with its key, field
};

// A file that open() refused: the reader's message, and the file's first bytes with the header
// and directory decoded from them as far as they go.
struct FailedOpen {
    std::string path;
    std::string error;
    std::vector<uint8_t> head;      // at most kHeadBytes
    std::vector<FieldSpan> fields;  // describe_header(head)
    static constexpr size_t kHeadBytes = 128 + 32 * 256;  // the header and 256 directory entries
};
FailedOpen read_failed_open(const std::string& path, const std::string& error);

class Session {
public:
    // Opens `path` in place of the current file. On failure the current file, selection and
    // history stay; the reader's message goes to errors() and failed_open() describes the file.
    bool open(const std::string& path);
    void close();

    bool go_index(uint64_t index);
    bool go_key(const std::string& key);
    bool follow(Direction direction, uint64_t position);  // N-th edge over all types, stored order
    bool back();
    bool forward();
    bool jump(size_t history_position);
    // Selects the byte at `offset` and names its owner; false (and an error) past the file's end.
    bool select_byte(uint64_t offset);
    const std::optional<SelectedByte>& selected_byte() const { return selected_byte_; }

    const std::string& path() const { return path_; }
    const std::shared_ptr<const File>& file() const { return file_; }
    const std::optional<CurrentVertex>& current() const { return current_; }
    const History& history() const { return history_; }
    const std::vector<std::string>& errors() const { return errors_; }
    const std::optional<FailedOpen>& failed_open() const { return failed_open_; }  // the last refused file, until one opens
    void add_error(std::string message) { errors_.push_back(std::move(message)); }
    void replace_last_error(std::string message) { errors_.back() = std::move(message); }
    uint64_t generation() const { return generation_; }  // changes whenever the selection does

    // {file, current: {index, key, label}, history: [keys], history_position, errors,
    //  selected_byte: {offset, section, owner, vertex, field} or null}
    nlohmann::ordered_json state() const;
    std::string key_of(uint32_t index) const;  // "?" when the record is damaged

private:
    void select(uint32_t index);
    nlohmann::ordered_json key_json(uint32_t index) const;

    std::string path_;
    std::shared_ptr<const File> file_;
    History history_;
    std::optional<CurrentVertex> current_;
    std::optional<SelectedByte> selected_byte_;
    std::vector<std::string> errors_;
    std::optional<FailedOpen> failed_open_;
    uint64_t generation_ = 0;
};

}  // namespace mmgraph::viewer
