#include "key_queue.hpp"

namespace mmgraph::viewer {

std::vector<KeyEvent> KeyQueue::take_frame() {
    std::vector<KeyEvent> frame;
    bool pressed = false;
    while (!pending_.empty()) {
        const KeyEvent& event = pending_.front();
        if (event.action == KeyAction::release && pressed) break;
        if (event.action == KeyAction::press) pressed = true;
        frame.push_back(event);
        pending_.pop_front();
    }
    return frame;
}

}  // namespace mmgraph::viewer
