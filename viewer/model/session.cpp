#include "session.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "byte_window.hpp"

namespace mmgraph::viewer {

FailedOpen read_failed_open(const std::string& path, const std::string& error) {
    FailedOpen failed{path, error, {}, {}};
    std::ifstream in(path, std::ios::binary);
    failed.head.resize(FailedOpen::kHeadBytes);
    in.read(reinterpret_cast<char*>(failed.head.data()), static_cast<std::streamsize>(failed.head.size()));
    failed.head.resize(in ? failed.head.size() : static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    failed.fields = describe_header(failed.head);
    return failed;
}

bool Session::open(const std::string& path) {
    std::shared_ptr<const File> file;
    try {
        // A person clicks a few times a second, so the kernel's read-around costs nothing
        // noticeable per click, while the statistics worker's pass over every vertex needs it
        // on a cold file.
        ReaderOptions reading;
        reading.access = Access::normal;
        file = File::open(path, reading);
    } catch (const Error& e) {
        errors_.push_back(e.what());
        failed_open_ = read_failed_open(path, e.what());
        return false;
    }
    close();
    path_ = path;
    file_ = std::move(file);
    // Start where a reader of the file would: the first vertex.
    if (file_->vertex_count() > 0) go_index(0);
    return true;
}

void Session::close() {
    file_.reset();
    path_.clear();
    history_.clear();
    current_.reset();
    selected_byte_.reset();
    errors_.clear();
    failed_open_.reset();
    ++generation_;
}

std::string Session::key_of(uint32_t index) const {
    try {
        return file_->vertex(index).key_string();
    } catch (const Error&) {
        return "?";
    }
}

void Session::select(uint32_t index) {
    CurrentVertex c;
    c.index = index;
    try {
        Vertex v = file_->vertex(index);
        c.key = v.key_string();
        const LabelInfo& label = file_->label_set_layout(v.label_set());
        c.label = std::string(label.name);
        for (uint32_t l : v.labels()) c.labels.emplace_back(file_->labels()[l].name);
        if (const IdSpace space = v.id_space(); space.id != 0) c.id_space = std::string(file_->id_space_names()[space.id - 1]);
        for (uint32_t i = 0; i < label.attributes.size(); ++i) {
            const AttributeInfo& a = label.attributes[i];
            c.attributes.emplace_back(std::string(a.name) + " (" + a.type.name() + (a.nullable ? ", nullable" : "") + ")",
                                      value_text(v.get(i)));
        }
        c.out = NeighbourList(v, Direction::out);
        if (file_->has_in_edges()) c.in = NeighbourList(v, Direction::in);
    } catch (const Error& e) {
        c.error = e.what();
        errors_.push_back(e.what());
    }
    c.anatomy = describe_vertex(*file_, index);
    if (!c.anatomy.error.empty() && c.error.empty()) c.error = c.anatomy.error;
    c.footprint = footprint_of(c.anatomy);
    if (current_) c.hop_new_pages = new_pages(current_->footprint, c.footprint);
    current_ = std::move(c);
    ++generation_;
}

bool Session::go_index(uint64_t index) {
    if (!file_) {
        errors_.push_back("no file is open");
        return false;
    }
    if (index >= file_->vertex_count()) {
        errors_.push_back("vertex index " + std::to_string(index) + " out of range (" + std::to_string(file_->vertex_count()) + " vertices)");
        return false;
    }
    history_.visit(static_cast<uint32_t>(index));
    select(static_cast<uint32_t>(index));
    return true;
}

bool Session::go_key(const std::string& key) {
    if (!file_) {
        errors_.push_back("no file is open");
        return false;
    }
    try {
        std::optional<Vertex> v;
        if (file_->key_type() == KeyType::int64) {
            int64_t number = 0;
            auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), number);
            if (ec != std::errc() || end != key.data() + key.size() || key.empty()) {
                errors_.push_back("key '" + key + "' is not an integer, and the file has int64 keys");
                return false;
            }
            v = file_->find(number);
        } else {
            v = file_->find(std::string_view(key));
        }
        if (!v) {
            errors_.push_back("no vertex has the key '" + key + "'");
            return false;
        }
        return go_index(v->index());
    } catch (const Error& e) {
        errors_.push_back(e.what());
        return false;
    }
}

bool Session::follow(Direction direction, uint64_t position) {
    const char* name = direction == Direction::out ? "out" : "in";
    if (!current_) {
        errors_.push_back(std::string(name) + " " + std::to_string(position) + ": no current vertex");
        return false;
    }
    const NeighbourList& list = direction == Direction::out ? current_->out : current_->in;
    if (position >= list.size()) {
        errors_.push_back(std::string(name) + " " + std::to_string(position) + ": vertex " + std::to_string(current_->index) + " has " +
                          std::to_string(list.size()) + " " + name + "-neighbours");
        return false;
    }
    try {
        Edge e = list.at(position);
        if (e.target.shard != file_->shard_id()) {
            errors_.push_back(std::string(name) + " " + std::to_string(position) + ": the neighbour is in shard " +
                              std::to_string(e.target.shard) + ", another file of the dataset");
            return false;
        }
        return go_index(e.target.index);
    } catch (const Error& e) {
        errors_.push_back(e.what());
        return false;
    }
}

bool Session::back() {
    if (!history_.back()) return false;
    select(*history_.current());
    return true;
}

bool Session::forward() {
    if (!history_.forward()) return false;
    select(*history_.current());
    return true;
}

bool Session::jump(size_t history_position) {
    if (!history_.jump(history_position)) return false;
    select(*history_.current());
    return true;
}

nlohmann::ordered_json Session::key_json(uint32_t index) const {
    // A key behind a damaged record is null; the error is in errors().
    try {
        Key key = file_->vertex(index).key();
        if (auto* text = std::get_if<std::string_view>(&key)) return std::string(*text);
        return std::get<int64_t>(key);
    } catch (const Error&) {
        return nullptr;
    }
}

bool Session::select_byte(uint64_t offset) {
    if (!file_ || offset >= file_->file_size()) {
        errors_.push_back("offset " + std::to_string(offset) + " is past the end of the file (" +
                          std::to_string(file_ ? file_->file_size() : 0) + " bytes)");
        return false;
    }
    SelectedByte b;
    b.owner = owner_of(*file_, offset);
    b.text = describe_owner(*file_, b.owner);
    selected_byte_ = std::move(b);
    return true;
}

nlohmann::ordered_json Session::state() const {
    nlohmann::ordered_json j;
    j["file"] = path_;
    if (current_ && file_) {
        nlohmann::ordered_json label = current_->label;
        if (current_->label.empty() && !current_->error.empty()) label = nullptr;
        j["current"] = {{"index", current_->index}, {"key", key_json(current_->index)}, {"label", label}, {"labels", current_->labels}, {"id_space", current_->id_space}};
    } else {
        j["current"] = nullptr;
    }
    auto history = nlohmann::ordered_json::array();
    if (file_)
        for (uint32_t index : history_.entries()) history.push_back(key_json(index));
    j["history"] = std::move(history);
    j["history_position"] = history_.position();
    j["errors"] = errors_;
    if (selected_byte_) {
        const ByteOwner& o = selected_byte_->owner;
        j["selected_byte"] = {{"offset", o.offset},
                              {"section", o.area},
                              {"owner", selected_byte_->text},
                              {"vertex", o.vertex ? nlohmann::ordered_json(*o.vertex) : nlohmann::ordered_json()},
                              {"field", o.field ? nlohmann::ordered_json(o.field->name) : nlohmann::ordered_json()}};
    } else {
        j["selected_byte"] = nullptr;
    }
    return j;
}

}  // namespace mmgraph::viewer
