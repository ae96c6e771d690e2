// mmgraph-view: the desktop viewer. Interactive by default; with --frames, --screenshot or
// --dump-state it renders a fixed number of frames and exits (headless mode, for tests and for
// machines without a display: run it under xvfb-run). --walk runs a walk script first, in both.
// Headless runs wait for the background workers (statistics, verify) before the last frame, so
// pictures and dumped state do not depend on timing; --timing reports the frame times.
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include "app.hpp"
#include "key_queue.hpp"
#include "walk_script.hpp"

namespace {

void glfw_error(int code, const char* message) { std::fprintf(stderr, "mmgraph-view: GLFW error %d: %s\n", code, message); }

// The window's key events and typed characters, handed to ImGui a frame at a time (see
// key_queue.hpp).
mmgraph::viewer::KeyQueue key_queue;

void queue_key(GLFWwindow*, int key, int scancode, int action, int mods) {
    key_queue.push({key, scancode, static_cast<mmgraph::viewer::KeyAction>(action), mods});
}

void queue_character(GLFWwindow*, unsigned code_point) { key_queue.push(mmgraph::viewer::KeyEvent::typed(code_point)); }

void deliver_keys(GLFWwindow* window) {
    for (const auto& e : key_queue.take_frame()) {
        if (e.action == mmgraph::viewer::KeyAction::character) ImGui_ImplGlfw_CharCallback(window, e.character);
        else ImGui_ImplGlfw_KeyCallback(window, e.key, e.scancode, static_cast<int>(e.action), e.mods);
    }
}

// Reads the back buffer before the swap (what was just drawn) and writes it as PNG.
bool save_screenshot(GLFWwindow* window, const std::string& path) {
    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    // GL's rows run bottom-up, PNG's top-down.
    std::vector<unsigned char> flipped(pixels.size());
    const size_t row = static_cast<size_t>(width) * 3;
    for (int y = 0; y < height; ++y)
        std::copy_n(pixels.data() + static_cast<size_t>(height - 1 - y) * row, row, flipped.data() + static_cast<size_t>(y) * row);
    return stbi_write_png(path.c_str(), width, height, 3, flipped.data(), static_cast<int>(row)) != 0;
}

// Frame times in milliseconds: all, those drawn while verify ran in the background, and those
// drawn with no worker running.
struct FrameTimes {
    static constexpr int kWarmUp = 2;  // the first frames build the font atlas and size the windows
    std::vector<double> all, verifying, idle;

    void add(int frame, double ms, bool during_verify, bool any_worker) {
        if (frame < kWarmUp) return;
        all.push_back(ms);
        if (during_verify) verifying.push_back(ms);
        if (!any_worker) idle.push_back(ms);
    }
    // "name_frames":N,"name_median_ms":..,"name_p95_ms":..,"name_max_ms":..
    static std::string summary(const char* name, std::vector<double> ms) {
        std::sort(ms.begin(), ms.end());
        auto at = [&](double q) { return ms.empty() ? 0.0 : ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1))]; };
        char buf[200];
        std::snprintf(buf, sizeof buf, "\"%s_frames\":%zu,\"%s_median_ms\":%.2f,\"%s_p95_ms\":%.2f,\"%s_max_ms\":%.2f", name, ms.size(), name,
                      at(0.5), name, at(0.95), name, ms.empty() ? 0.0 : ms.back());
        return buf;
    }
    // One line, "timing: " and a JSON object, for tests and benchmarks to read.
    void print(int width, int height, double verify_seconds) const {
        std::printf("timing: {\"size\":\"%dx%d\",%s,%s,%s,\"verify_seconds\":%.2f}\n", width, height, summary("all", all).c_str(),
                    summary("verify", verifying).c_str(), summary("idle", idle).c_str(), verify_seconds);
    }
};

bool read_walk_script(const std::string& path, std::vector<mmgraph::viewer::WalkStep>& steps) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "mmgraph-view: cannot read the walk script %s\n", path.c_str());
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        steps = mmgraph::viewer::parse_walk_script(text.str());
    } catch (const mmgraph::Error& e) {
        std::fprintf(stderr, "mmgraph-view: %s: %s\n", path.c_str(), e.what());
        return false;
    }
    return true;
}

// The window with its GL context and Dear ImGui on it; null (and said why) when there is none.
GLFWwindow* open_window(int width, int height, bool headless) {
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr, "mmgraph-view: cannot open a window (no usable display). Without a display run it headless:\n"
                             "  xvfb-run -a mmgraph-view FILE --screenshot out.png\n");
        return nullptr;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWwindow* window = glfwCreateWindow(width, height, "mmgraph-view", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "mmgraph-view: cannot create an OpenGL 3.0 window\n");
        glfwTerminate();
        return nullptr;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(headless ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // the layout is a fixed tiling; nothing to remember
    ImGui::StyleColorsDark();
    // A high-density screen (content scale 2 on a 4K laptop) starts with text to match.
    float content_scale = 1.0f, unused = 1.0f;
    glfwGetWindowContentScale(window, &content_scale, &unused);
    ImGui::GetIO().FontGlobalScale = std::clamp(content_scale, 1.0f, 4.0f);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    // In place of the backend's, which deliver_keys calls.
    glfwSetKeyCallback(window, queue_key);
    glfwSetCharCallback(window, queue_character);
    ImGui_ImplOpenGL3_Init("#version 130");
    return window;
}

// Headless runs show finished statistics and findings; verify of a large file takes a while,
// so the wait is long (ten minutes).
void wait_for_workers(const mmgraph::viewer::App& app) {
    for (int waited = 0; (app.worker.running() || app.verifier.running()) && waited < 12000; ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"mmgraph-view: walk the vertices of an mmgraph file and see where every byte goes"};
    std::string file, size_text = "1280x800", walk_path, screenshot_path, state_path;
    int frames = 0;
    cli.add_option("FILE", file, "The .mmg file to open");
    cli.add_option("--frames", frames, "Headless: render N frames, then exit")->check(CLI::PositiveNumber);
    cli.add_option("--size", size_text, "Window size WxH (default 1280x800)");
    cli.add_option("--walk", walk_path, "Run a walk script first (key K, index I, out N, in N, back, forward, open PATH)");
    cli.add_option("--screenshot", screenshot_path, "Headless: save the last frame as PNG");
    cli.add_option("--dump-state", state_path, "Headless: write the walker's state and verify's findings as JSON");
    bool timing = false;
    cli.add_flag("--timing", timing,
                 "Headless: render the frames while the background workers run from the open, then wait for them and render as many "
                 "again; print the frame times (all, while verify ran, with no worker running) as JSON on stdout");
    CLI11_PARSE(cli, argc, argv);

    int width = 0, height = 0;
    if (std::sscanf(size_text.c_str(), "%dx%d", &width, &height) != 2 || width < 320 || height < 240 || width > 16384 || height > 16384) {
        std::fprintf(stderr, "mmgraph-view: --size wants WxH, at least 320x240, not '%s'\n", size_text.c_str());
        return 2;
    }
    // A walk alone also works in a window: it sets where the session starts.
    const bool headless = frames > 0 || !screenshot_path.empty() || !state_path.empty() || timing;
    if (headless && frames == 0) frames = 3;  // the first frames size the windows; the last is complete
    // Before this frame the workers are waited for: the last one, or with --timing the first of
    // the second half.
    const int settled = timing ? frames : frames - 1;
    if (timing) frames *= 2;
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if (!headless && (!display || !*display) && (!wayland || !*wayland)) {
        std::fprintf(stderr,
                     "mmgraph-view: no display ($DISPLAY and $WAYLAND_DISPLAY are unset).\n"
                     "  For a picture without a display: xvfb-run -a mmgraph-view FILE --screenshot out.png [--walk SCRIPT]\n");
        return 1;
    }

    std::vector<mmgraph::viewer::WalkStep> steps;
    if (!walk_path.empty() && !read_walk_script(walk_path, steps)) return 2;
    GLFWwindow* window = open_window(width, height, headless);
    if (!window) return 1;
    ImGuiIO& io = ImGui::GetIO();

    int status = 0;
    {
        mmgraph::viewer::App app;
        if (!file.empty()) app.open(file);
        if (!steps.empty()) mmgraph::viewer::run_walk(app.session, steps);
        app.follow_file();  // a walk may have opened another file
        // A walk's `offset N` shows its byte as "go to offset" does: map zoomed, hex view open.
        if (const auto& selected = app.session.selected_byte()) app.go_to_offset(selected->owner.offset);
        FrameTimes times;

        for (int frame = 0; (!headless || frame < frames) && !glfwWindowShouldClose(window) && !app.quit; ++frame) {
            if (headless) {
                glfwPollEvents();
                if (frame == settled || frame == frames - 1) wait_for_workers(app);
            } else if (glfwGetWindowAttrib(window, GLFW_FOCUSED) || app.worker.running() || app.verifier.running() || !key_queue.empty()) {
                glfwPollEvents();
            } else {
                glfwWaitEventsTimeout(0.5);  // unfocused and idle: sleep
            }
            const auto frame_start = std::chrono::steady_clock::now();
            const bool verifying = app.verifier.running(), working = verifying || app.worker.running();
            deliver_keys(window);
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            // Xvfb's pointer rests mid-screen; a headless picture should show no hover tooltip.
            if (headless) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
            ImGui::NewFrame();
            app.frame();
            ImGui::Render();
            int fb_width = 0, fb_height = 0;
            glfwGetFramebufferSize(window, &fb_width, &fb_height);
            glViewport(0, 0, fb_width, fb_height);
            glClearColor(0.09f, 0.09f, 0.10f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            if (headless && frame == frames - 1 && !screenshot_path.empty() && !save_screenshot(window, screenshot_path)) {
                std::fprintf(stderr, "mmgraph-view: cannot write %s\n", screenshot_path.c_str());
                status = 1;
            }
            glfwSwapBuffers(window);
            if (timing) {
                glFinish();  // the frame counts until Mesa has drawn it
                times.add(frame, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count(), verifying, working);
            }
        }
        if (timing) times.print(width, height, app.integrity ? app.integrity->seconds : -1.0);
        if (!state_path.empty()) {
            std::ofstream out(state_path);
            nlohmann::ordered_json state = app.session.state();
            // Null when verify did not finish (cancelled, or past the wait above).
            state["findings"] = app.integrity ? mmgraph::viewer::findings_json(*app.integrity) : nlohmann::ordered_json();
            state["neighbourhood"] = app.neighbourhood_state();
            state["footprint"] = app.footprint_state();
            out << state.dump(2) << "\n";
            if (!out) {
                std::fprintf(stderr, "mmgraph-view: cannot write %s\n", state_path.c_str());
                status = 1;
            }
        }
        for (const std::string& e : app.session.errors()) std::fprintf(stderr, "mmgraph-view: %s\n", e.c_str());
        app.worker.cancel();
        app.verifier.cancel();
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return status;
}
