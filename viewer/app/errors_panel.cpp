// Errors: verify's findings (each with "go there"), the reader's messages (section, offset,
// expectation), and a file that could not be opened, its header and directory decoded as far
// as they go. Also the verify status in the menu bar.
#include <algorithm>
#include <cinttypes>
#include <filesystem>
#include <system_error>

#include "app.hpp"

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
    if (!begin_field_table("head", 8, "bytes", 24)) return;
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

}  // namespace mmgraph::viewer
