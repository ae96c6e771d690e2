// Errors: what the reader reported (section, offset, expectation).
#include "app.hpp"

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

}  // namespace mmgraph::viewer
