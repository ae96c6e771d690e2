// File > Open: a path field and a folder browser that starts in the current file's folder, lists
// folders first and files with their sizes (only *.mmg unless asked), opens a folder on Enter or
// double click, and closes on Escape.
#include <filesystem>
#include <system_error>

#include <GLFW/glfw3.h>

#include "app.hpp"
#include "directory_listing.hpp"

#include <imgui_stdlib.h>  // after imgui.h, which it needs

namespace mmgraph::viewer {

namespace {

struct Browser {
    std::string listed;  // the folder the listing is of
    bool listed_only_mmg = true;
    bool only_mmg = true;
    DirectoryListing listing;
};

void start_browsing(App& app) {
    namespace fs = std::filesystem;
    ImGui::OpenPopup("Open file");
    app.open_dialog = false;
    std::error_code ec;
    const fs::path start = app.session.path().empty() ? fs::current_path(ec) : fs::absolute(app.session.path(), ec).parent_path();
    if (app.browse_dir.empty() || !app.session.path().empty()) app.browse_dir = start.string();
}

// The path field: Enter opens a file, or browses into a folder. Returns the path to open.
std::optional<std::string> path_field(App& app) {
    // A new field for each folder browsed into: an active field keeps its own copy of the text,
    // which clearing open_path would not reach.
    static int field = 0;
    ImGui::PushID(field);
    ImGui::SetNextItemWidth(-80);
    if (ImGui::IsWindowAppearing() || !ImGui::IsAnyItemActive()) ImGui::SetKeyboardFocusHere();
    const bool enter = ImGui::InputTextWithHint("##path", "path of a .mmg file, or a folder", &app.open_path,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::PopID();
    ImGui::SameLine();
    const bool clicked = ImGui::Button("Open");
    if (!(enter || clicked) || app.open_path.empty()) return std::nullopt;
    std::error_code ec;
    if (std::filesystem::is_directory(app.open_path, ec)) {
        app.browse_dir = std::filesystem::absolute(app.open_path, ec).lexically_normal().string();
        app.open_path.clear();
        ++field;
        return std::nullopt;
    }
    return app.open_path;
}

// The folder's entries; a click on a file fills the path field, a double click or Enter on a
// file opens it, and on a folder enters it. Returns the path to open.
std::optional<std::string> entries(App& app, Browser& browser) {
    namespace fs = std::filesystem;
    if (browser.listed != app.browse_dir || browser.listed_only_mmg != browser.only_mmg) {
        browser.listing = list_directory(app.browse_dir, browser.only_mmg);
        browser.listed = app.browse_dir;
        browser.listed_only_mmg = browser.only_mmg;
    }
    if (!browser.listing.error.empty()) ImGui::TextColored({1, 0.45f, 0.45f, 1}, "%s", browser.listing.error.c_str());
    std::optional<std::string> open, enter_dir;
    ImGui::BeginChild("entries", {0, -ImGui::GetFrameHeightWithSpacing()}, true);
    const float size_column = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("1023.9 MiB").x - 8;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(browser.listing.entries.size()));
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const DirectoryEntry& e = browser.listing.entries[static_cast<size_t>(i)];
            const fs::path path = fs::path(app.browse_dir) / e.name;
            const std::string label = e.is_directory ? e.name + "/" : e.name;
            ImGui::PushID(i);
            const bool selected = !e.is_directory && app.open_path == path.string();
            const bool clicked = ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_AllowDoubleClick | ImGuiSelectableFlags_DontClosePopups);
            const bool activated = (clicked && ImGui::IsMouseDoubleClicked(0)) || (ImGui::IsItemFocused() && ImGui::IsKeyPressed(GLFW_KEY_ENTER));
            if (e.is_directory && (clicked || activated)) enter_dir = (e.name == ".." ? fs::path(app.browse_dir).parent_path() : path).string();
            if (!e.is_directory && clicked) app.open_path = path.string();
            if (!e.is_directory && activated) open = path.string();
            if (!e.is_directory) {
                ImGui::SameLine(size_column);
                ImGui::TextDisabled("%s", human_bytes(e.size).c_str());
            }
            ImGui::PopID();
        }
    ImGui::EndChild();
    if (enter_dir) app.browse_dir = *enter_dir;
    return open;
}

}  // namespace

void draw_open_dialog(App& app) {
    static Browser browser;
    if (app.open_dialog) start_browsing(app);
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize({display.x * 0.6f, display.y * 0.6f}, ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Open file")) return;
    std::optional<std::string> open = path_field(app);
    ImGui::TextDisabled("%s", app.browse_dir.c_str());
    ImGui::SameLine();
    ImGui::Checkbox("only *.mmg", &browser.only_mmg);
    if (auto chosen = entries(app, browser)) open = chosen;
    const bool cancel = ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE);
    if (open) {
        app.open(*open);
        ImGui::CloseCurrentPopup();
    } else if (cancel) {
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace mmgraph::viewer
