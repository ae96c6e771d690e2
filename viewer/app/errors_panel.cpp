// Errors (what the reader reported: section, offset, expectation) and File > Open with a path
// field and a simple directory browser.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "app.hpp"

#include <imgui_stdlib.h>  // after imgui.h, which it needs

namespace mmgraph::viewer {

void draw_errors(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Errors", pos, size);
    if (!app.session.file()) {
        if (app.session.path().empty()) ImGui::TextDisabled("No file open. File > Open (Ctrl+O), or give a file on the command line.");
        else ImGui::TextColored({1, 0.45f, 0.45f, 1}, "Cannot open %s", app.session.path().c_str());
    }
    for (const std::string& e : app.session.errors()) {
        ImGui::Bullet();
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(e.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::End();
}

void draw_open_dialog(App& app) {
    namespace fs = std::filesystem;
    if (app.open_dialog) {
        ImGui::OpenPopup("Open file");
        app.open_dialog = false;
        if (app.browse_dir.empty()) {
            std::error_code ec;
            fs::path start = app.session.path().empty() ? fs::current_path(ec) : fs::absolute(app.session.path(), ec).parent_path();
            app.browse_dir = start.string();
        }
    }
    ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize({display.x * 0.6f, display.y * 0.6f}, ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Open file")) return;
    ImGui::SetNextItemWidth(-80);
    bool enter = ImGui::InputText("##path", &app.open_path, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    bool open = ImGui::Button("Open") || enter;
    ImGui::TextDisabled("%s", app.browse_dir.c_str());

    // The directory's entries, folders first, read once per visit of the folder.
    static std::string listed_dir;
    static std::vector<std::pair<std::string, bool>> entries;  // name, is directory
    static std::string list_error;
    if (listed_dir != app.browse_dir) {
        listed_dir = app.browse_dir;
        entries.clear();
        list_error.clear();
        std::error_code ec;
        for (fs::directory_iterator it(app.browse_dir, ec), end; !ec && it != end; it.increment(ec))
            entries.emplace_back(it->path().filename().string(), it->is_directory(ec));
        if (ec) list_error = ec.message();
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second : a.first < b.first;
        });
        entries.insert(entries.begin(), {"..", true});
    }
    if (!list_error.empty()) ImGui::TextColored({1, 0.45f, 0.45f, 1}, "%s", list_error.c_str());
    ImGui::BeginChild("entries", {0, -ImGui::GetFrameHeightWithSpacing()}, true);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(entries.size()));
    std::optional<std::string> enter_dir;
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const auto& [name, is_dir] = entries[static_cast<size_t>(i)];
            std::string label = is_dir ? name + "/" : name;
            if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick | ImGuiSelectableFlags_DontClosePopups)) {
                fs::path path = fs::path(app.browse_dir) / name;
                if (is_dir) {
                    enter_dir = (name == ".." ? fs::path(app.browse_dir).parent_path() : path).string();
                } else {
                    app.open_path = path.string();
                    if (ImGui::IsMouseDoubleClicked(0)) open = true;
                }
            }
        }
    ImGui::EndChild();
    if (enter_dir) app.browse_dir = *enter_dir;
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (open && !app.open_path.empty()) {
        app.open(app.open_path);
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace mmgraph::viewer
