// Keyboard events held back so that no key press is lost between frames.
//
// Dear ImGui 1.86 reads the keyboard as a down state sampled once per frame (io.KeysDown), so a
// key pressed and released between two frames, as `xdotool key alt+Left` or a fast typist sends
// them, is never seen down and does nothing. The window's key events go through this queue
// instead: each frame takes the events in order up to the first release that follows a press
// in the same frame; that release and what follows wait for the next frame. Every press is
// then seen down for a frame together with every key held when it came (xdotool releases Alt
// before Left), and the order of events is kept. Typed characters go through the queue too:
// were they handed over at once, text typed after Enter would reach a field before the Enter.
#pragma once

#include <deque>
#include <vector>

namespace mmgraph::viewer {

// release, press and repeat have the values of GLFW_RELEASE, GLFW_PRESS and GLFW_REPEAT;
// character is a typed character (KeyEvent::character), not a key.
enum class KeyAction : int { release = 0, press = 1, repeat = 2, character = 3 };

struct KeyEvent {
    int key = 0;
    int scancode = 0;
    KeyAction action = KeyAction::press;
    int mods = 0;
    unsigned character = 0;  // for KeyAction::character: its code point

    static KeyEvent typed(unsigned code_point) { return {0, 0, KeyAction::character, 0, code_point}; }
};

class KeyQueue {
public:
    void push(const KeyEvent& event) { pending_.push_back(event); }
    // The events a frame should see, in order; the rest stay queued.
    std::vector<KeyEvent> take_frame();
    bool empty() const { return pending_.empty(); }

    // Keys that move the keyboard focus (GLFW's Enter, keypad Enter, Tab, Escape): a field that
    // asks for the focus in the frame after such a key has it only in the frame after that
    // (ImGui 1.86), so characters typed after the key wait two frames more, or they would reach
    // no field at all (File > Open lost the first letters typed after Enter on a folder).
    static bool moves_focus(int key) { return key == 257 || key == 335 || key == 258 || key == 256; }

private:
    std::deque<KeyEvent> pending_;
    int hold_characters_ = 0;  // frames in which characters still wait
};

}  // namespace mmgraph::viewer
