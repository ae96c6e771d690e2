// SectionWriter (writer/include/mmgraph/detail/section_writer.hpp): an encoder that writes past
// its planned range, or stops short of it, is a bug that must abort the process rather than
// produce a file that disagrees with its plan. Catch2 has no death tests, so each bad write runs
// in a forked child whose exit status and stderr the parent inspects.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "mmgraph/detail/section_writer.hpp"

using mmgraph::detail::SectionWriter;

namespace {

struct ChildResult {
    bool signaled = false;
    int signal = 0;
    bool exited = false;
    int exit_code = 0;
    std::string stderr_text;
};

// Runs `body` in a child process with its stderr captured; the child exits 0 if body returns.
ChildResult run_in_child(const std::function<void()>& body) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::fflush(nullptr);  // no buffered output duplicated into the child
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        ::dup2(fds[1], STDERR_FILENO);
        ::close(fds[1]);
        // Catch2's own fatal-signal handler would report the abort as a test failure on the
        // shared stdout; the child must simply die of SIGABRT.
        ::signal(SIGABRT, SIG_DFL);
        body();
        ::_exit(0);  // skip atexit handlers and Catch2's own teardown
    }
    ::close(fds[1]);
    ChildResult r;
    char buf[512];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.stderr_text.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    r.signaled = WIFSIGNALED(status);
    if (r.signaled) r.signal = WTERMSIG(status);
    r.exited = WIFEXITED(status);
    if (r.exited) r.exit_code = WEXITSTATUS(status);
    return r;
}

void require_abort(const ChildResult& r, const std::string& needle) {
    INFO("child stderr: " << r.stderr_text);
    REQUIRE(r.signaled);
    REQUIRE(r.signal == SIGABRT);
    CHECK_THAT(r.stderr_text, Catch::Contains(needle));
    CHECK_THAT(r.stderr_text, Catch::Contains("internal invariant"));
}

}  // namespace

TEST_CASE("section_writer: the fork harness tells a clean exit from an abort", "[section_writer]") {
    // Guards the harness itself: a child that does nothing wrong must not look aborted.
    ChildResult ok = run_in_child([] {});
    CHECK_FALSE(ok.signaled);
    CHECK(ok.exited);
    CHECK(ok.exit_code == 0);
}

TEST_CASE("section_writer: overrun aborts with a message naming the section", "[section_writer]") {
    SECTION("put past the end") {
        auto r = run_in_child([] {
            std::vector<uint8_t> buf(16);
            SectionWriter w(buf.data(), 0, 8, "test section");
            w.put<uint32_t>(1);
            w.put<uint32_t>(2);
            w.put<uint8_t>(3);  // ninth byte of an 8-byte range
            w.finish();
        });
        require_abort(r, "overrun");
        CHECK_THAT(r.stderr_text, Catch::Contains("test section"));
        CHECK_THAT(r.stderr_text, Catch::Contains("[0, 8)"));
    }
    SECTION("take larger than the whole range") {
        auto r = run_in_child([] {
            std::vector<uint8_t> buf(64);
            SectionWriter w(buf.data(), 8, 16, "nodes");
            w.take(9);
        });
        require_abort(r, "overrun");
        CHECK_THAT(r.stderr_text, Catch::Contains("nodes"));
    }
    SECTION("a huge length cannot wrap the bounds check") {
        auto r = run_in_child([] {
            std::vector<uint8_t> buf(16);
            SectionWriter w(buf.data(), 0, 16, "wrap");
            w.put<uint32_t>(0);
            w.take(UINT64_MAX - 2);  // cursor + n would overflow
        });
        require_abort(r, "overrun");
    }
    SECTION("put_vlq, put_u48, zeros and pad_to are bounded too") {
        for (int which = 0; which < 4; ++which) {
            INFO("case " << which);
            auto r = run_in_child([which] {
                std::vector<uint8_t> buf(16);
                SectionWriter w(buf.data(), 0, 5, "small");
                w.put<uint32_t>(0);  // 1 byte left
                if (which == 0) w.put_vlq(300);   // 2 bytes
                if (which == 1) w.put_u48(1);     // 6 bytes
                if (which == 2) w.zeros(2);
                if (which == 3) w.pad_to(8);      // 4 bytes of padding
            });
            require_abort(r, "overrun");
        }
    }
}

TEST_CASE("section_writer: short fill aborts at finish()", "[section_writer]") {
    auto r = run_in_child([] {
        std::vector<uint8_t> buf(32);
        SectionWriter w(buf.data(), 4, 20, "key_index");
        w.put<uint64_t>(7);
        w.finish();  // 8 of 16 bytes
    });
    require_abort(r, "short fill");
    CHECK_THAT(r.stderr_text, Catch::Contains("wrote 8 of 16 bytes"));
    CHECK_THAT(r.stderr_text, Catch::Contains("key_index"));
}

TEST_CASE("section_writer: a writer dropped without finish() aborts", "[section_writer]") {
    auto r = run_in_child([] {
        std::vector<uint8_t> buf(8);
        SectionWriter w(buf.data(), 0, 8, "dropped");
        w.put<uint64_t>(1);
        // no finish(): the destructor must catch the forgotten call
    });
    require_abort(r, "dropped before finish()");
}

TEST_CASE("section_writer: a writer unwound by an exception does not abort", "[section_writer]") {
    // The destructor stays quiet during unwinding so an input error in an encoder task
    // surfaces as that error, not as an abort.
    auto r = run_in_child([] {
        try {
            std::vector<uint8_t> buf(8);
            SectionWriter w(buf.data(), 0, 8, "unwound");
            w.put<uint32_t>(1);
            throw std::runtime_error("input error");
        } catch (const std::runtime_error&) {
        }
    });
    INFO(r.stderr_text);
    CHECK_FALSE(r.signaled);
    CHECK(r.exit_code == 0);
}

TEST_CASE("section_writer: an exact fill succeeds and writes only its range", "[section_writer]") {
    std::vector<uint8_t> buf(40, 0xEE);
    SectionWriter w(buf.data(), 8, 32, "exact");
    CHECK(w.position() == 8);
    CHECK(w.remaining() == 24);
    w.put<uint16_t>(0x0201);
    w.put<uint32_t>(0x06050403);
    w.put_uint(0x0807, 2);
    w.put_u48(0x0E0D0C0B0A09ull);
    const uint8_t tail[] = {0x0F, 0x10};
    w.put_bytes(tail, 2);
    w.put_bytes(nullptr, 0);  // empty copies are allowed
    CHECK(w.position() == 24);
    w.zeros(8);
    CHECK(w.remaining() == 0);
    w.finish();
    std::vector<uint8_t> expected(40, 0xEE);
    for (int i = 0; i < 16; ++i) expected[8 + i] = static_cast<uint8_t>(i + 1);
    for (int i = 24; i < 32; ++i) expected[i] = 0;
    CHECK(buf == expected);
}

TEST_CASE("section_writer: pad_to aligns section-relative positions", "[section_writer]") {
    // The base is the section start; a range starting at 5 pads to section offset 8, not to an
    // address multiple of 8.
    std::vector<uint8_t> buf(32, 0xEE);
    SectionWriter w(buf.data() + 3, 5, 16, "pad");  // section starts at an odd address
    w.put<uint8_t>(0xAA);                           // position 6
    w.pad_to(8);
    CHECK(w.position() == 8);
    w.pad_to(8);  // already aligned: writes nothing
    CHECK(w.position() == 8);
    w.pad_to(4);
    CHECK(w.position() == 8);
    w.put<uint8_t>(0xBB);  // 9
    w.pad_to(4);
    CHECK(w.position() == 12);
    w.pad_to(16);
    CHECK(w.position() == 16);
    w.finish();
    CHECK(buf[3 + 5] == 0xAA);
    CHECK(buf[3 + 6] == 0);
    CHECK(buf[3 + 7] == 0);
    CHECK(buf[3 + 8] == 0xBB);
    for (int i = 9; i < 16; ++i) CHECK(buf[3 + i] == 0);
    CHECK(buf[3 + 4] == 0xEE);   // before the range: untouched
    CHECK(buf[3 + 16] == 0xEE);  // after the range: untouched
}

TEST_CASE("section_writer: put_vlq writes the VLQ bytes", "[section_writer]") {
    std::vector<uint8_t> buf(32, 0xEE);
    SectionWriter w(buf.data(), 0, 1 + 1 + 2 + 2 + 5 + 10, "vlq");
    w.put_vlq(0);
    w.put_vlq(127);
    w.put_vlq(128);
    w.put_vlq(300);
    w.put_vlq(0xFFFFFFF0u);
    w.put_vlq(UINT64_MAX);
    w.finish();
    const std::vector<uint8_t> expected = {0x00, 0x7F, 0x80, 0x01, 0xAC, 0x02, 0xF0, 0xFF, 0xFF, 0xFF, 0x0F,
                                           0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    CHECK(std::vector<uint8_t>(buf.begin(), buf.begin() + 21) == expected);
    CHECK(buf[21] == 0xEE);
}

TEST_CASE("section_writer: an empty range finishes immediately", "[section_writer]") {
    uint8_t byte = 0xEE;
    SectionWriter w(&byte, 0, 0, "empty");
    w.pad_to(8);  // position 0 is aligned
    w.zeros(0);
    w.finish();
    CHECK(byte == 0xEE);
}
