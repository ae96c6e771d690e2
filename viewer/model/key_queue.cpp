#include "key_queue.hpp"

namespace mmgraph::viewer {

std::vector<KeyEvent> KeyQueue::take_frame() {
    std::vector<KeyEvent> frame;
    bool pressed = false;
    const bool hold = hold_characters_ > 0;
    while (!pending_.empty()) {
        const KeyEvent& event = pending_.front();
        if (event.action == KeyAction::release && pressed) break;
        if (event.action == KeyAction::character && hold) break;
        if (event.action == KeyAction::press) {
            pressed = true;
            if (moves_focus(event.key)) hold_characters_ = 3;  // this frame and the two after
        }
        frame.push_back(event);
        pending_.pop_front();
    }
    if (hold_characters_ > 0) --hold_characters_;
    return frame;
}

}  // namespace mmgraph::viewer
