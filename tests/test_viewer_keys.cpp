// viewer/model/key_queue: quick key presses survive a per-frame down state.
#include <catch2/catch.hpp>

#include "key_queue.hpp"

using namespace mmgraph::viewer;

namespace {

constexpr int kAlt = 342, kLeft = 263, kA = 65;

KeyEvent press(int key) { return {key, 0, KeyAction::press, 0}; }
KeyEvent release(int key) { return {key, 0, KeyAction::release, 0}; }

std::vector<std::pair<int, KeyAction>> summary(const std::vector<KeyEvent>& events) {
    std::vector<std::pair<int, KeyAction>> out;
    for (const auto& e : events) out.emplace_back(e.key, e.action);
    return out;
}

}  // namespace

TEST_CASE("a press and release within one frame are split over two frames", "[viewer][keys]") {
    KeyQueue queue;
    // What `xdotool key alt+Left` sends between two frames.
    for (auto e : {press(kAlt), press(kLeft), release(kLeft), release(kAlt)}) queue.push(e);
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kAlt, KeyAction::press}, {kLeft, KeyAction::press}});
    // The frame saw Alt and Left down together; the releases come next, in order.
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kLeft, KeyAction::release}, {kAlt, KeyAction::release}});
    CHECK(queue.take_frame().empty());
    CHECK(queue.empty());
}

TEST_CASE("a modifier released before its key is still down in the frame of the press", "[viewer][keys]") {
    KeyQueue queue;
    for (auto e : {press(kAlt), press(kLeft), release(kAlt), release(kLeft)}) queue.push(e);
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kAlt, KeyAction::press}, {kLeft, KeyAction::press}});
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kAlt, KeyAction::release}, {kLeft, KeyAction::release}});
}

TEST_CASE("a key tapped twice between frames gives two pressed frames", "[viewer][keys]") {
    KeyQueue queue;
    for (auto e : {press(kA), release(kA), press(kA), release(kA)}) queue.push(e);
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kA, KeyAction::press}});
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kA, KeyAction::release}, {kA, KeyAction::press}});
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kA, KeyAction::release}});
    CHECK(queue.empty());
}

TEST_CASE("events of keys held across frames pass at once", "[viewer][keys]") {
    KeyQueue queue;
    queue.push(press(kAlt));
    CHECK(queue.take_frame().size() == 1);
    // Alt was pressed in an earlier frame: its release, and a repeat, need no wait.
    queue.push({kAlt, 0, KeyAction::repeat, 0});
    queue.push(release(kAlt));
    CHECK(queue.take_frame().size() == 2);
    CHECK(queue.empty());
}

TEST_CASE("typed characters keep their place among the keys", "[viewer][keys]") {
    constexpr int kEnter = 257;
    KeyQueue queue;
    // "a", Enter, "b" typed between two frames: "b" must not reach a field before the Enter.
    for (auto e : {press(kA), KeyEvent::typed('a'), release(kA), press(kEnter), release(kEnter), press(66), KeyEvent::typed('b'), release(66)})
        queue.push(e);
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kA, KeyAction::press}, {0, KeyAction::character}});
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kA, KeyAction::release}, {kEnter, KeyAction::press}});
    // After Enter, a field is focused two frames late: those frames carry no characters.
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{kEnter, KeyAction::release}, {66, KeyAction::press}});
    CHECK(queue.take_frame().empty());
    CHECK(summary(queue.take_frame()) == std::vector<std::pair<int, KeyAction>>{{0, KeyAction::character}, {66, KeyAction::release}});
    CHECK(queue.empty());
}
