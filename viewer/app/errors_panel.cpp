// Errors: verify's findings (each with "go there"), the reader's messages (section, offset,
// expectation), and a file that could not be opened, its header and directory decoded as far
// as they go. Also the verify status in the menu bar, and File > Open with a path field and a
// simple directory browser.
#include <algorithm>
#include <cinttypes>
#include <filesystem>
#include <system_error>

#include "app.hpp"

#include <imgui_stdlib.h>  // after imgui.h, which it needs

namespace mmgraph::viewer {

namespace {

// One row per finding, clipped: "go there", where, what.
void findings_list(App& app, const Integrity& integrity) {
    if (integrity.truncated) ImGui::TextColored(kFindingText, "Verify stopped after %zu findings.", integrity.findings.size());
    const std::string path = app.session.path();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(integrity.findings.size()));
    std::optional<size_t> go;
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const VerifyFinding& f = integrity.findings[static_cast<size_t>(i)];
            ImGui::PushID(i);
            if (ImGui::SmallButton("go there")) go = static_cast<size_t>(i);
            ImGui::SameLine();
            ImGui::TextColored(kFindingText, "%s %s", f.area.c_str(), hex_offset(f.offset).c_str());
            ImGui::SameLine();
            const std::string message = without_path(f.message, path);
            ImGui::TextUnformatted(message.c_str());
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
                ImGui::TextUnformatted(message.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
            ImGui::PopID();
        }
    if (go) app.go_to_byte(integrity.findings[*go].offset, integrity.findings[*go].length);
}

// The refused file's header and directory entries: offset, bytes in hex, field, value as stored.
void failed_open_view(const FailedOpen& failed) {
    ImGui::TextColored(kFindingText, "Cannot open %s", failed.path.c_str());
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(failed.error.c_str());
    ImGui::PopTextWrapPos();
    if (failed.fields.empty()) {
        ImGui::TextDisabled(failed.head.empty() ? "No bytes could be read." : "%zu bytes: too few for a header field.", failed.head.size());
        return;
    }
    ImGui::TextDisabled("Its first %zu bytes, decoded as stored:", failed.head.size());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("head", 4, flags)) return;
    float char_width = ImGui::CalcTextSize("0").x;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("offset", ImGuiTableColumnFlags_WidthFixed, char_width * 8);
    ImGui::TableSetupColumn("bytes", ImGuiTableColumnFlags_WidthFixed, char_width * 24);
    ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(failed.fields.size()));
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const FieldSpan& f = failed.fields[static_cast<size_t>(i)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(hex_offset(f.offset).c_str());
            ImGui::TableNextColumn();
            std::string bytes;
            for (uint64_t b = 0; b < std::min<uint64_t>(f.size, 8); ++b) {
                char text[4];
                std::snprintf(text, sizeof text, "%02X ", failed.head[f.offset + b]);
                bytes += text;
            }
            if (f.size > 8) bytes += "...";
            ImGui::TextUnformatted(bytes.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(f.name.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(f.value.c_str());
        }
    ImGui::EndTable();
}

}  // namespace

void draw_errors(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Errors", pos, size);
    const Session& s = app.session;
    if (!s.file() && !s.failed_open()) ImGui::TextDisabled("No file open. File > Open (Ctrl+O), or give a file on the command line.");
    const bool findings = app.integrity && !app.integrity->findings.empty();
    if (ImGui::BeginTabBar("errors")) {
        if (findings && ImGui::BeginTabItem(("Verify: " + std::to_string(app.integrity->findings.size()) + " problems###findings").c_str())) {
            findings_list(app, *app.integrity);
            ImGui::EndTabItem();
        }
        if (s.failed_open() && ImGui::BeginTabItem("Refused file")) {
            failed_open_view(*s.failed_open());
            ImGui::EndTabItem();
        }
        if (!s.errors().empty() && ImGui::BeginTabItem(("Messages (" + std::to_string(s.errors().size()) + ")###messages").c_str())) {
            for (const std::string& e : s.errors()) {
                ImGui::Bullet();
                ImGui::PushTextWrapPos(0);
                ImGui::TextUnformatted(e.c_str());
                ImGui::PopTextWrapPos();
            }
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

void draw_verify_status(App& app) {
    if (!app.session.file()) return;
    if (app.verifier.running()) {
        ImGui::TextDisabled("verifying");
        char label[16];
        std::snprintf(label, sizeof label, "%.0f%%", app.verifier.progress() * 100);
        ImGui::ProgressBar(static_cast<float>(app.verifier.progress()), {ImGui::GetFontSize() * 6, 0}, label);
        if (ImGui::SmallButton("Cancel")) {
            app.verifier.cancel();
            app.verify_cancelled = true;
        }
    } else if (app.integrity) {
        if (app.integrity->findings.empty())
            ImGui::TextColored({0.55f, 0.85f, 0.55f, 1}, "verified (%.1f s)", app.integrity->seconds);
        else
            ImGui::TextColored(kFindingText, "verify: %zu%s problems", app.integrity->findings.size(), app.integrity->truncated ? "+" : "");
    } else if (app.verify_cancelled) {
        ImGui::TextDisabled("verify cancelled");
        if (ImGui::SmallButton("Verify")) {
            app.verify_cancelled = false;
            app.verifier.start(app.session.file());
        }
    }
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
