// format/: VLQ, little-endian loads and stores, type codes, bucket rule and layout constants.
// The expected numbers are copied from the text of spec/FORMAT.md, not from layout.hpp, so a
// drift between the two is caught here.
#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstring>
#include <random>
#include <vector>

#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/fields.hpp"
#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/adjacency.hpp"
#include "mmgraph/format/layout.hpp"
#include "mmgraph/format/packed.hpp"
#include "mmgraph/format/types.hpp"
#include "mmgraph/format/vlq.hpp"
#include "mmgraph/types.hpp"

using namespace mmgraph;
using namespace mmgraph::format;

namespace {

std::vector<uint8_t> encode(uint64_t value) {
    uint8_t buf[kMaxVlqBytes + 2] = {};
    size_t n = vlq_encode(buf, value);
    return {buf, buf + n};
}

}  // namespace

// ---- VLQ (§6.4) ---------------------------------------------------------------------------

TEST_CASE("format: VLQ encodes the spec's examples and boundaries", "[format][vlq]") {
    // §6.4 examples.
    CHECK(encode(0) == std::vector<uint8_t>{0x00});
    CHECK(encode(127) == std::vector<uint8_t>{0x7F});
    CHECK(encode(128) == std::vector<uint8_t>{0x80, 0x01});
    CHECK(encode(300) == std::vector<uint8_t>{0xAC, 0x02});
    CHECK(encode(0xFFFFFFF0u) == std::vector<uint8_t>{0xF0, 0xFF, 0xFF, 0xFF, 0x0F});
    // Group boundaries: 7 bits per byte.
    CHECK(encode(16383) == std::vector<uint8_t>{0xFF, 0x7F});
    CHECK(encode(16384) == std::vector<uint8_t>{0x80, 0x80, 0x01});
    CHECK(encode(uint64_t{1} << 32) == std::vector<uint8_t>{0x80, 0x80, 0x80, 0x80, 0x10});
    CHECK(encode(UINT64_MAX) ==
          std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
}

TEST_CASE("format: VLQ round-trips and vlq_size matches the encoding", "[format][vlq]") {
    const std::vector<std::pair<uint64_t, size_t>> cases = {
        {0, 1}, {1, 1}, {127, 1}, {128, 2}, {16383, 2}, {16384, 3}, {(1u << 21) - 1, 3}, {1u << 21, 4},
        {0xFFFFFFF0u, 5}, {uint64_t{1} << 32, 5}, {(uint64_t{1} << 35) - 1, 5}, {uint64_t{1} << 35, 6},
        {uint64_t{1} << 63, 10}, {UINT64_MAX - 1, 10}, {UINT64_MAX, 10}};
    for (auto [value, size] : cases) {
        INFO("value " << value);
        auto bytes = encode(value);
        CHECK(bytes.size() == size);
        CHECK(vlq_size(value) == size);
        uint64_t decoded = 12345;
        CHECK(vlq_decode(bytes.data(), bytes.size(), decoded) == size);
        CHECK(decoded == value);
        // Extra bytes after the VLQ are not consumed.
        bytes.push_back(0x55);
        CHECK(vlq_decode(bytes.data(), bytes.size(), decoded) == size);
        CHECK(decoded == value);
    }
}

TEST_CASE("format: VLQ decode refuses truncated, too long and overflowing input", "[format][vlq]") {
    uint64_t value = 777;
    SECTION("truncated: every byte has the continuation bit") {
        const uint8_t cont[] = {0x80, 0x80, 0x80};
        CHECK(vlq_decode(cont, 0, value) == 0);
        CHECK(vlq_decode(cont, 1, value) == 0);
        CHECK(vlq_decode(cont, 3, value) == 0);
        auto big = encode(uint64_t{1} << 32);  // 5 bytes
        for (size_t avail = 0; avail < big.size(); ++avail) CHECK(vlq_decode(big.data(), avail, value) == 0);
        CHECK(value == 777);  // untouched on failure
    }
    SECTION("11-byte encoding") {
        // Ten continuation bytes then a terminator: longer than any 64-bit value needs.
        std::vector<uint8_t> eleven(10, 0x80);
        eleven.push_back(0x00);
        CHECK(vlq_decode(eleven.data(), eleven.size(), value) == 0);
        // Same for a 10th byte that still has the continuation bit set.
        std::vector<uint8_t> ten_cont(9, 0xFF);
        ten_cont.push_back(0x81);
        ten_cont.push_back(0x00);
        CHECK(vlq_decode(ten_cont.data(), ten_cont.size(), value) == 0);
    }
    SECTION("overflowing 64 bits in the 10th byte") {
        std::vector<uint8_t> bytes(9, 0xFF);
        bytes.push_back(0x02);  // bit 64 would be set
        CHECK(vlq_decode(bytes.data(), bytes.size(), value) == 0);
        bytes.back() = 0x7F;
        CHECK(vlq_decode(bytes.data(), bytes.size(), value) == 0);
        bytes.back() = 0x01;  // exactly UINT64_MAX is fine
        CHECK(vlq_decode(bytes.data(), bytes.size(), value) == 10);
        CHECK(value == UINT64_MAX);
    }
    CHECK(kMaxVlqBytes == 10);
}

// ---- endian (§1) --------------------------------------------------------------------------

TEST_CASE("format: little-endian loads and stores at unaligned addresses", "[format][endian]") {
    alignas(16) uint8_t buf[32];
    for (size_t shift = 0; shift < 8; ++shift) {
        INFO("offset " << shift);
        uint8_t* p = buf + 1 + shift;  // odd and every other misalignment
        std::memset(buf, 0xEE, sizeof buf);

        store<uint16_t>(p, 0x1234);
        CHECK(p[0] == 0x34);
        CHECK(p[1] == 0x12);
        CHECK(load<uint16_t>(p) == 0x1234);

        store<uint32_t>(p, 0xA1B2C3D4u);
        CHECK(std::vector<uint8_t>(p, p + 4) == std::vector<uint8_t>{0xD4, 0xC3, 0xB2, 0xA1});
        CHECK(load<uint32_t>(p) == 0xA1B2C3D4u);

        store<uint64_t>(p, 0x0102030405060708ull);
        CHECK(std::vector<uint8_t>(p, p + 8) == std::vector<uint8_t>{8, 7, 6, 5, 4, 3, 2, 1});
        CHECK(load<uint64_t>(p) == 0x0102030405060708ull);
        CHECK(p[8] == 0xEE);  // nothing written past the value
        CHECK(p[-1] == 0xEE);

        store<int32_t>(p, -2);
        CHECK(std::vector<uint8_t>(p, p + 4) == std::vector<uint8_t>{0xFE, 0xFF, 0xFF, 0xFF});
        CHECK(load<int32_t>(p) == -2);
        CHECK(load<int16_t>(p) == -2);

        store<double>(p, 2.5);  // §6.5: 2.5 is 00 00 00 00 00 00 04 40
        CHECK(std::vector<uint8_t>(p, p + 8) == std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0x04, 0x40});
        CHECK(load<double>(p) == 2.5);
        store<float>(p, -1.0f);
        CHECK(std::vector<uint8_t>(p, p + 4) == std::vector<uint8_t>{0, 0, 0x80, 0xBF});
        CHECK(load<float>(p) == -1.0f);
    }
}

TEST_CASE("format: 48-bit values take exactly 6 bytes", "[format][endian]") {
    uint8_t buf[16];
    std::memset(buf, 0xEE, sizeof buf);
    store_u48(buf + 3, 0x0000A1B2C3D4E5F6ull);
    CHECK(std::vector<uint8_t>(buf + 3, buf + 9) == std::vector<uint8_t>{0xF6, 0xE5, 0xD4, 0xC3, 0xB2, 0xA1});
    CHECK(buf[2] == 0xEE);
    CHECK(buf[9] == 0xEE);
    CHECK(load_u48(buf + 3) == 0xA1B2C3D4E5F6ull);
    // The two bytes above bit 47 are never read: the neighbours are 0xEE.
    store_u48(buf + 3, 0xFFFFFFFFFFFFull);
    CHECK(load_u48(buf + 3) == 0xFFFFFFFFFFFFull);
    // A vertex reference (§5.2): shard 3, local 5 -> 05 00 00 00 03 00.
    store_u48(buf, (uint64_t{3} << kRefShardShift) | 5);
    CHECK(std::vector<uint8_t>(buf, buf + 6) == std::vector<uint8_t>{5, 0, 0, 0, 3, 0});
}

TEST_CASE("format: load_uint and store_uint use exactly `width` bytes", "[format][endian]") {
    const uint8_t src[9] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xFF};
    CHECK(load_uint(src, 1) == 0x01);
    CHECK(load_uint(src, 2) == 0x0201);
    CHECK(load_uint(src, 4) == 0x04030201);
    CHECK(load_uint(src, 8) == 0x0807060504030201ull);
    CHECK(load_uint(src + 1, 4) == 0x05040302);  // unaligned
    for (unsigned width : {1u, 2u, 4u, 8u}) {
        INFO("width " << width);
        uint8_t out[10];
        std::memset(out, 0xEE, sizeof out);
        uint64_t value = width == 8 ? 0x8877665544332211ull : (uint64_t{1} << (8 * width)) - 2;
        store_uint(out + 1, value, width);
        CHECK(load_uint(out + 1, width) == value);
        CHECK(out[0] == 0xEE);
        CHECK(out[1 + width] == 0xEE);
    }
    // §6.5 widening example: entry 306 in 2 bytes is 32 01.
    uint8_t two[2];
    store_uint(two, 306, 2);
    CHECK(two[0] == 0x32);
    CHECK(two[1] == 0x01);
}

// ---- type codes (§4.3) --------------------------------------------------------------------

TEST_CASE("format: is_valid_type accepts exactly 1-21 and 0x81-0x95", "[format][types]") {
    for (unsigned b = 0; b < 256; ++b) {
        INFO("type byte " << b);
        bool expected = (b >= 1 && b <= 21) || (b >= 0x81 && b <= 0x95);
        CHECK(is_valid_type(static_cast<uint8_t>(b)) == expected);
    }
    // Named cases: no code 0 or 22, no nested lists; bit 4 is used since 2.2, bits 5-6 are not.
    CHECK_FALSE(is_valid_type(0x80));        // list of code 0
    CHECK(is_valid_type(0x8F));              // date[] (2.1)
    CHECK(is_valid_type(0x90));              // localtime[] (2.2)
    CHECK(is_valid_type(0x95));              // point[] (2.2)
    CHECK_FALSE(is_valid_type(0x96));
    CHECK_FALSE(is_valid_type(0x80 | 0x20)); // bits 5-6 are never set
    CHECK_FALSE(is_valid_type(0));
    CHECK(is_valid_type(15));                // date (2.1)
    CHECK(is_valid_type(21));                // point (2.2)
    CHECK_FALSE(is_valid_type(22));
    CHECK(is_valid_type(Type::list_of(TypeCode::vertex_ref).byte));
    CHECK(is_valid_type(Type::list_of(TypeCode::boolean).byte));
    CHECK(is_valid_type(Type::list_of(TypeCode::string).byte));
    CHECK(is_valid_type(Type::list_of(TypeCode::bytes).byte));
}

TEST_CASE("format: lists of strings and bytes have variable items and need format 1.1 in major 1", "[format][types]") {
    for (unsigned b = 1; b < 256; ++b) {
        uint8_t type = static_cast<uint8_t>(b);
        if (!is_valid_type(type)) continue;
        INFO("type byte " << b);
        bool variable_items = b == 0x8D || b == 0x8E;
        bool date = b == 15 || b == 0x8F;
        bool since_2_2 = element_code(type) >= 16;
        CHECK(has_variable_items(type) == variable_items);
        if (date || since_2_2) {
            CHECK(minor_version_of(type) > newest_minor(1));  // no format-1 file may use them
            CHECK(minor_version_2_of(type) == (date ? 1 : 2));
            CHECK(since_version(type) == (date ? "2.1" : "2.2"));
        } else {
            CHECK(minor_version_of(type) == (variable_items ? 1 : 0));
            CHECK(minor_version_of(type) <= newest_minor(1));
            CHECK(minor_version_2_of(type) == 0);
        }
        CHECK(minor_version_2_of(type) <= newest_minor(2));
    }
    CHECK(Type::list_of(TypeCode::string).name() == "string[]");
    CHECK_FALSE(Type::list_of(TypeCode::string).is_fixed());
}

TEST_CASE("format: scalar sizes and fixed/variable classification follow §4.3", "[format][types]") {
    const unsigned sizes[22] = {0, 1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8, 6, 0, 0, 4, 8, 12, 12, 20, 28, 28};
    for (uint8_t c = 1; c <= 21; ++c) {
        INFO("code " << int(c));
        CHECK(scalar_size(c) == sizes[c]);
        CHECK(is_fixed(c) == (c != 13 && c != 14));
        CHECK_FALSE(is_list(c));
        CHECK_FALSE(is_fixed(static_cast<uint8_t>(0x80 | c)));  // every list is variable-size
        CHECK(is_list(static_cast<uint8_t>(0x80 | c)));
        CHECK(element_code(static_cast<uint8_t>(0x80 | c)) == c);
    }
    CHECK(scalar_size(0) == 0);
    CHECK(scalar_size(22) == 0);
    CHECK(static_cast<int>(TypeCode::date) == 15);
    CHECK(static_cast<int>(TypeCode::localtime) == 16);
    CHECK(static_cast<int>(TypeCode::point) == 21);
    CHECK(static_cast<int>(TypeCode::boolean) == 1);
    CHECK(static_cast<int>(TypeCode::vertex_ref) == 12);
    CHECK(static_cast<int>(TypeCode::string) == 13);
    CHECK(static_cast<int>(TypeCode::bytes) == 14);
    CHECK(kListBit == 0x80);
}

TEST_CASE("format: type names round-trip through scalar_from_name", "[format][types]") {
    const char* names[22] = {"", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32",
                             "float64", "vertex_ref", "string", "bytes", "date", "localtime", "time", "localdatetime", "datetime",
                             "duration", "point"};
    for (uint8_t c = 1; c <= 21; ++c) {
        CHECK(scalar_name(c) == names[c]);
        auto back = scalar_from_name(scalar_name(c));
        REQUIRE(back.has_value());
        CHECK(*back == c);
    }
    CHECK(scalar_name(0) == "unknown");
    CHECK(scalar_name(22) == "unknown");
    CHECK_FALSE(scalar_from_name("unknown").has_value());
    CHECK_FALSE(scalar_from_name("").has_value());
    CHECK_FALSE(scalar_from_name("Int32").has_value());
    CHECK_FALSE(scalar_from_name("int32[]").has_value());
    CHECK(Type(TypeCode::int32).name() == "int32");
    CHECK(Type::list_of(TypeCode::float64).name() == "float64[]");
}

TEST_CASE("format: section names", "[format][types]") {
    // Kind 15 is the key table of 2.6, whose slots name node blocks (§8.1): the same name.
    const char* names[16] = {"unknown", "strings", "schema", "node_types", "vertices", "nodes", "out_edges", "in_edges",
                             "edge_props", "key_index", "label_sets", "id_spaces", "key_table", "out_runs", "in_runs", "key_table"};
    for (uint16_t k = 0; k <= 15; ++k) CHECK(section_name(k) == names[k]);
    CHECK(section_name(16) == "unknown");
    CHECK(section_name(0xFFFF) == "unknown");
}

TEST_CASE("format: align_up", "[format]") {
    CHECK(align_up(0, 8) == 0);
    CHECK(align_up(1, 8) == 8);
    CHECK(align_up(7, 8) == 8);
    CHECK(align_up(8, 8) == 8);
    CHECK(align_up(9, 8) == 16);
    CHECK(align_up(0x19, 4) == 0x1C);  // §6.5: record ends at rec+19, next at rec+1C
    CHECK(align_up(13, 1) == 13);
    CHECK(align_up((uint64_t{1} << 40) + 1, 4) == (uint64_t{1} << 40) + 4);
}

// ---- key index rule (§8.1) ----------------------------------------------------------------

TEST_CASE("format: key_bucket_bits: 0 when n <= 2, else ceil(log2 n) - 1", "[format][key_index]") {
    // Independent formulation: ceil(log2 n) == bit_width(n - 1) for n >= 2.
    auto expected = [](uint64_t n) -> uint32_t {
        if (n <= 2) return 0;
        return static_cast<uint32_t>(std::bit_width(n - 1)) - 1;
    };
    for (uint64_t n = 0; n <= 5000; ++n) {
        INFO("n = " << n);
        REQUIRE(key_bucket_bits(n) == expected(n));
    }
    CHECK(key_bucket_bits(3) == 1);
    CHECK(key_bucket_bits(4) == 1);
    CHECK(key_bucket_bits(5) == 2);
    CHECK(key_bucket_bits(8) == 2);
    CHECK(key_bucket_bits(9) == 3);
    CHECK(key_bucket_bits(1000000) == 19);
    // Writers produce at most 30 bits (§9), at 2^31 vertices.
    CHECK(key_bucket_bits(uint64_t{1} << 31) == 30);
    CHECK(key_bucket_bits((uint64_t{1} << 30) + 1) == 30);
    // At most 2 entries per bucket on average with the writer's b.
    for (uint64_t n : {3ull, 4ull, 5ull, 100ull, 1025ull, 65537ull})
        CHECK(n <= 2 * (uint64_t{1} << key_bucket_bits(n)));
}

TEST_CASE("format: key_table_capacity: n + ceil(n/3) + 1, load at most 3/4, one slot empty", "[format][key_table]") {
    for (uint64_t n = 0; n <= 5000; ++n) {
        INFO("n = " << n);
        const uint64_t c = key_table_capacity(n);
        REQUIRE(c == n + (n == 0 ? 0 : (n - 1) / 3 + 1) + 1);
        REQUIRE(c > n);
        REQUIRE(4 * n <= 3 * c);
    }
    CHECK(key_table_capacity(0) == 1);
    CHECK(key_table_capacity(5) == 8);  // §8.1's worked example
    CHECK(key_table_capacity(uint64_t{1} << 31) == 2863311532);  // §9: 2^31 + 715827883 + 1, below 2^32
}

TEST_CASE("format: a 2.6 key slot's node block (§8.1)", "[format][key_table]") {
    // Blocks of 4 KiB while 2^20 of them cover the nodes section, then the smallest power of two
    // that does: s = max(12, bits(L - 1) - 20).
    CHECK(node_block_shift(0) == 12);
    CHECK(node_block_shift(1) == 12);
    CHECK(node_block_shift(15056) == 12);                    // §8.1's worked example
    CHECK(node_block_shift(uint64_t{1} << 32) == 12);        // 2^20 blocks of 4 KiB exactly
    CHECK(node_block_shift((uint64_t{1} << 32) + 1) == 13);
    CHECK(node_block_shift(uint64_t{6} << 30) == 13);        // 6 GiB: blocks of 8 KiB
    CHECK(node_block_shift(uint64_t{1} << 48) == 28);        // the largest domain (§9)
    for (uint64_t length : {uint64_t{4096}, uint64_t{1} << 33, (uint64_t{3} << 40) + 5, uint64_t{1} << 48}) {
        const unsigned shift = node_block_shift(length);
        CHECK((length - 1) >> shift < (uint64_t{1} << kNodeBlockBits));
        if (shift > kMinNodeBlockShift) CHECK((length - 1) >> (shift - 1) >= (uint64_t{1} << kNodeBlockBits));
    }
    // §8.1's worked example: dave, fingerprint 0x5D8 of h 0x3007319876B905D8, local 3, record at 9032.
    const uint64_t wide = (uint64_t{3} + 1) << 32 | 0x76B905D8;
    const uint64_t slot = with_node_block(wide, 9032, 12);
    CHECK(slot == ((uint64_t{4} << 32) | 0x25D8));
    CHECK(node_block_of(slot) == 2);
    CHECK((slot & kNarrowFingerprintMask) == (0x3007319876B905D8ull & kNarrowFingerprintMask));
    CHECK(node_block_of(with_node_block(wide, (uint64_t{1} << 48) - 4, 28)) == (uint64_t{1} << 20) - 1);
}

TEST_CASE("format: key_table_home is the high word of h × C", "[format][key_table]") {
    CHECK(key_table_home(0, 8) == 0);
    CHECK(key_table_home(UINT64_MAX, 8) == 7);
    CHECK(key_table_home(uint64_t{1} << 63, 8) == 4);
    CHECK(key_table_home(UINT64_MAX, 1) == 0);
    // §8.1's worked example, C = 8: the top three bits.
    CHECK(key_table_home(0xe2fdb994ad3fcba4ull, 8) == 7);
    CHECK(key_table_home(0xf5285c658b67ee63ull, 8) == 7);
    CHECK(key_table_home(0x4da10dd61a0116b0ull, 8) == 2);
    // C = 7, not a power of two: h × 7 >> 64.
    CHECK(key_table_home(0x4da10dd61a0116b0ull, 7) == 2);
    CHECK(key_table_home(0xe2fdb994ad3fcba4ull, 7) == 6);
    CHECK(key_hash(std::string_view("erin")) == 0xf5285c658b67ee63ull);
}

TEST_CASE("format: key_bucket takes the top b bits of the hash", "[format][key_index]") {
    const uint64_t h = 0xDEADBEEFCAFEF00Dull;
    CHECK(key_bucket(h, 0) == 0);
    CHECK(key_bucket(UINT64_MAX, 0) == 0);
    CHECK(key_bucket(h, 1) == 1);
    CHECK(key_bucket(h, 4) == 0xD);
    CHECK(key_bucket(h, 16) == 0xDEAD);
    CHECK(key_bucket(h, 31) == (h >> 33));
    CHECK(key_bucket(0x7FFFFFFFFFFFFFFFull, 1) == 0);
    // The hash is XXH3-64 of the key bytes; an int64 key hashes its 8 little-endian bytes.
    const int64_t k = -5;
    uint8_t le[8];
    store<int64_t>(le, k);
    CHECK(key_hash(k) == XXH3_64bits(le, 8));
    CHECK(key_hash(std::string_view("abc")) == XXH3_64bits("abc", 3));
    CHECK(checksum(reinterpret_cast<const uint8_t*>("abc"), 3) == XXH3_64bits("abc", 3));
}

// ---- layout constants against the spec text -----------------------------------------------

TEST_CASE("format: magic and version (§2.1)", "[format][layout]") {
    const uint8_t magic[8] = {0x89, 0x4D, 0x4D, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
    CHECK(std::memcmp(kMagic, magic, 8) == 0);
    CHECK(kVersionMajor == 2);
    CHECK(kVersionMinor == 6);  // 2.1 added date, 2.2 the other temporal types, point, label sets and ID spaces, 2.3 the key table and packed flat records, 2.4 the key slot, 2.5 the runs sections, 2.6 node blocks in key slots (§2.4)
    CHECK(kRunsMinor == 5);
    CHECK(kNodeBlockMinor == 6);
    CHECK(node_blocks(2, 6));
    CHECK_FALSE(node_blocks(2, 5));
    CHECK_FALSE(node_blocks(1, 1));
    CHECK(kKeyRoleMinor == 4);
    CHECK(kKeyRole == 0x100);
    CHECK(kPackedRecordMinor == 3);
    CHECK(kLabelSetsMinor == 2);
    CHECK(kKeyTableMinor == 3);
    CHECK(kOldestMajor == 1);  // 1.0 and 1.1 files are still read (§2.4)
    CHECK(newest_minor(1) == 1);
    CHECK(newest_minor(2) == 6);
}

TEST_CASE("format: a runs section's starts and run (§7.3)", "[format][layout]") {
    CHECK(kRunsHeadSize == 8);
    CHECK(runs_start_bytes(0) == 4);
    CHECK(runs_start_bytes((uint64_t{1} << 32) - 1) == 4);
    CHECK(runs_start_bytes(uint64_t{1} << 32) == 8);
    CHECK(runs_run_offset(3, 4) == 8 + 4 * 4);  // §7.3's worked example: 3 vertices, 4 starts
    CHECK(runs_run_offset(3, 8) == 8 + 8 * 4);
    // The width follows from the length (§7.3): with W = 1, 4-byte starts have a run of at most
    // 2^27 words (E < 2^32); a longer run means 8-byte starts.
    const uint64_t head4 = runs_run_offset(3, 4);
    CHECK(runs_start_bytes_of_length(head4 + (uint64_t{1} << 29), 3, 1) == 4);
    CHECK(runs_start_bytes_of_length(head4 + (uint64_t{1} << 29) + 4, 3, 1) == 8);
    CHECK(runs_start_bytes_of_length(runs_run_offset(3, 8) + 4 * ((uint64_t{1} << 32) * 17 / 32), 3, 17) == 8);  // E = 2^32 at W = 17
    CHECK(runs_start_bytes_of_length(head4 + 4, 3, 17) == 4);
    CHECK(runs_start_bytes_of_length(0, 3, 17) == 4);  // too short for either: open refuses it by its length
    CHECK(runs_apart(2, 5));
    CHECK_FALSE(runs_apart(2, 4));
    CHECK_FALSE(runs_apart(1, 5));
}

TEST_CASE("format: packed entries (§7.2) take W bits each in whole 32-bit words", "[format][layout]") {
    CHECK(packed_entry_bits(0) == 1);
    CHECK(packed_entry_bits(1) == 1);
    CHECK(packed_entry_bits(2) == 1);
    CHECK(packed_entry_bits(3) == 2);
    CHECK(packed_entry_bits(4) == 2);
    CHECK(packed_entry_bits(5) == 3);
    CHECK(packed_entry_bits(646030) == 20);
    CHECK(packed_entry_bits(uint64_t{1} << 20) == 20);
    CHECK(packed_entry_bits((uint64_t{1} << 20) + 1) == 21);
    CHECK(packed_entry_bits(kMaxVerticesPerShard) == 31);
    CHECK(packed_bytes(0, 20) == 0);
    CHECK(packed_bytes(1, 20) == 4);
    CHECK(packed_bytes(8, 20) == 20);
    CHECK(packed_bytes(9, 20) == 24);
    CHECK(packed_bytes(3, 32) == 12);  // format 1: one word per entry

    std::mt19937_64 rng(42);
    for (unsigned bits = 1; bits <= 31; ++bits) {
        for (uint64_t count : {1u, 2u, 31u, 32u, 33u, 100u}) {
            INFO(bits << " bits, " << count << " entries");
            std::vector<uint32_t> values(count);
            for (auto& v : values) v = static_cast<uint32_t>(rng()) & ((1u << bits) - 1);
            values.back() = (1u << bits) - 1;  // all ones at the end: padding must stay clear
            std::vector<uint8_t> run(packed_bytes(count, bits), 0xEE);
            pack_entries(run.data(), count, bits, [&](uint64_t i) { return values[i]; });
            const uint64_t words = run.size() / 4;
            for (uint64_t k = 0; k < count; ++k) REQUIRE(packed_entry(run.data(), words, k, bits, (1u << bits) - 1) == values[k]);
            const unsigned used = static_cast<unsigned>(count * bits % 32);
            if (used) CHECK((load<uint32_t>(run.data() + run.size() - 4) >> used) == 0);
            // From a bit inside the first word, as a stretch of a runs section's run (§7.3):
            // the same entries at first_bit + k * bits, and zero bits around them.
            for (unsigned first_bit : {1u, 13u, 31u}) {
                const uint64_t stretch = (first_bit + count * bits + 31) / 32;
                std::vector<uint8_t> part(4 * stretch, 0xEE);
                pack_entries(part.data(), count, bits, [&](uint64_t i) { return values[i]; }, first_bit);
                for (uint64_t k = 0; k < count; ++k) REQUIRE(packed_entry_at(part.data(), stretch, first_bit + k * bits, (1u << bits) - 1) == values[k]);
                CHECK((load<uint32_t>(part.data()) & ((1u << first_bit) - 1)) == 0);
                if (const unsigned end = static_cast<unsigned>((first_bit + count * bits) % 32))
                    CHECK((load<uint32_t>(part.data() + part.size() - 4) >> end) == 0);
            }
        }
    }
}

TEST_CASE("format: header field offsets (§2.2)", "[format][layout]") {
    STATIC_REQUIRE(header::kSize == 128);
    STATIC_REQUIRE(header::kMagicOff == 0);
    STATIC_REQUIRE(header::kMajorOff == 8);
    STATIC_REQUIRE(header::kMinorOff == 10);
    STATIC_REQUIRE(header::kFlagsOff == 12);
    STATIC_REQUIRE(header::kFileSizeOff == 16);
    STATIC_REQUIRE(header::kDatasetIdOff == 24);
    STATIC_REQUIRE(header::kShardIdOff == 40);
    STATIC_REQUIRE(header::kShardCountOff == 42);
    STATIC_REQUIRE(header::kSectionCountOff == 44);
    STATIC_REQUIRE(header::kDirectoryOffsetOff == 48);
    STATIC_REQUIRE(header::kDirectoryHashOff == 56);
    STATIC_REQUIRE(header::kVertexCountOff == 64);
    STATIC_REQUIRE(header::kEdgeCountOff == 72);
    STATIC_REQUIRE(header::kReservedOff == 80);
    STATIC_REQUIRE(header::kHeaderHashOff == 120);
    // The fields tile the header without gaps: each ends where the next begins.
    STATIC_REQUIRE(header::kDatasetIdOff + 16 == header::kShardIdOff);
    STATIC_REQUIRE(header::kReservedOff + 40 == header::kHeaderHashOff);
    STATIC_REQUIRE(header::kHeaderHashOff + 8 == header::kSize);
    STATIC_REQUIRE(kFlagInEdges == 1);
}

namespace {

// The field tables tile their structure: each field starts where the previous one ends.
template <size_t N>
constexpr bool tiles(const std::array<header::FieldSpec, N>& fields, size_t size) {
    size_t at = 0;
    for (const auto& f : fields) {
        if (f.offset != at) return false;
        at += f.width;
    }
    return at == size;
}

}  // namespace

TEST_CASE("format: the header field table is §2.2's table", "[format][layout]") {
    using header::Field;
    STATIC_REQUIRE(tiles(header::kFields, header::kSize));
    STATIC_REQUIRE(tiles(dir_entry::kFields, dir_entry::kSize));
    // Offset and size of each row as the spec's table gives them.
    constexpr std::array<std::pair<size_t, size_t>, 15> spec_rows = {
        {{0, 8}, {8, 2}, {10, 2}, {12, 4}, {16, 8}, {24, 16}, {40, 2}, {42, 2}, {44, 4}, {48, 8}, {56, 8}, {64, 8}, {72, 8}, {80, 40}, {120, 8}}};
    for (size_t i = 0; i < spec_rows.size(); ++i) {
        CHECK(header::kFields[i].offset == spec_rows[i].first);
        CHECK(header::kFields[i].width == spec_rows[i].second);
    }
    STATIC_REQUIRE(header::spec(Field::vertex_count).offset == header::kVertexCountOff);
    STATIC_REQUIRE(header::spec(Field::header_checksum).offset == header::kHeaderHashOff);
    STATIC_REQUIRE(header::spec(Field::version_minor).name == "version_minor");
    STATIC_REQUIRE(!header::is_integer(Field::dataset_id) && header::is_integer(Field::shard_id));
    STATIC_REQUIRE(dir_entry::spec(dir_entry::Field::checksum).offset == dir_entry::kChecksumOff);

    // put writes exactly the field's bytes, little-endian; get reads them back.
    std::array<uint8_t, header::kSize> h{};
    put(h.data(), Field::shard_count, 0x0102);
    put(h.data(), Field::vertex_count, 0x0A0B0C0D0E0F1011ull);
    CHECK(h[42] == 0x02);
    CHECK(h[43] == 0x01);
    CHECK(h[44] == 0);
    CHECK(h[64] == 0x11);
    CHECK(h[71] == 0x0A);
    CHECK(h[72] == 0);
    CHECK(get(h.data(), Field::shard_count) == 0x0102);
    CHECK(get(h.data(), Field::vertex_count) == 0x0A0B0C0D0E0F1011ull);
    CHECK(bytes(h.data(), Field::dataset_id).size() == 16);
    std::array<uint8_t, dir_entry::kSize> e{};
    put(e.data(), dir_entry::Field::length, 77);
    CHECK(e[16] == 77);
    CHECK(get(e.data(), dir_entry::Field::length) == 77);
}

TEST_CASE("format: directory entry (§3)", "[format][layout]") {
    STATIC_REQUIRE(dir_entry::kSize == 32);
    STATIC_REQUIRE(dir_entry::kKindOff == 0);
    STATIC_REQUIRE(dir_entry::kFlagsOff == 2);
    STATIC_REQUIRE(dir_entry::kReservedOff == 4);
    STATIC_REQUIRE(dir_entry::kOffsetOff == 8);
    STATIC_REQUIRE(dir_entry::kLengthOff == 16);
    STATIC_REQUIRE(dir_entry::kChecksumOff == 24);
    STATIC_REQUIRE(kSectionOptional == 1);
    STATIC_REQUIRE(kSectionAlign == 8);
    CHECK(static_cast<int>(SectionKind::strings) == 1);
    CHECK(static_cast<int>(SectionKind::schema) == 2);
    CHECK(static_cast<int>(SectionKind::node_types) == 3);
    CHECK(static_cast<int>(SectionKind::vertices) == 4);
    CHECK(static_cast<int>(SectionKind::nodes) == 5);
    CHECK(static_cast<int>(SectionKind::out_edges) == 6);
    CHECK(static_cast<int>(SectionKind::in_edges) == 7);
    CHECK(static_cast<int>(SectionKind::edge_props) == 8);
    CHECK(static_cast<int>(SectionKind::key_index) == 9);
    CHECK(static_cast<int>(SectionKind::label_sets) == 10);
    CHECK(static_cast<int>(SectionKind::id_spaces) == 11);
    CHECK(static_cast<int>(SectionKind::key_table) == 12);
    CHECK(static_cast<int>(SectionKind::out_runs) == 13);
    CHECK(static_cast<int>(SectionKind::in_runs) == 14);
    CHECK(static_cast<int>(SectionKind::block_key_table) == 15);
}

TEST_CASE("format: schema, node type, key index and edge property heads (§4.2, §6.3, §8)", "[format][layout]") {
    STATIC_REQUIRE(schema::kKeyTypeOff == 0);
    STATIC_REQUIRE(schema::kLabelCountOff == 4);
    STATIC_REQUIRE(schema::kEdgeTypeCountOff == 8);
    STATIC_REQUIRE(schema::kReservedOff == 12);
    STATIC_REQUIRE(schema::kHeadSize == 16);
    STATIC_REQUIRE(schema::kEntryHeadSize == 16);
    STATIC_REQUIRE(schema::kAttrSize == 8);
    STATIC_REQUIRE(kLabelSetsHeadSize == 8);  // §6.6: count, reserved
    STATIC_REQUIRE(kLabelSetEntryHeadSize == 4);
    STATIC_REQUIRE(label_set_entry_size(2) == 8);
    STATIC_REQUIRE(label_set_entry_size(3) == 12);  // 4 + 6, padded to 4
    STATIC_REQUIRE(label_set_entry_size(4) == 12);
    STATIC_REQUIRE(kIdSpacesHeadSize == 8);  // §8.3: count, reserved
    STATIC_REQUIRE(id_spaces_size(2, 7) == 30);  // §8.3's worked example
    STATIC_REQUIRE(kKeyString == 1);
    STATIC_REQUIRE(kKeyInt64 == 2);
    STATIC_REQUIRE(kAttrNullable == 1);
    STATIC_REQUIRE(kNodeTypesHeadSize == 8);
    STATIC_REQUIRE(kNodeTypeEntryHeadSize == 12);
    STATIC_REQUIRE(kDefaultMaxNodeTypes == 64);
    STATIC_REQUIRE(kMaxNodeTypes == 65535);
    STATIC_REQUIRE(kKeyTableHeadSize == 16);  // §8.1: key_type, reserved, n
    STATIC_REQUIRE(kKeySlotSize == 8);        // fingerprint, local index + 1
    STATIC_REQUIRE(kKeyTableMinor == 3);
    STATIC_REQUIRE(kKeyIndexHeadSize == 16);
    STATIC_REQUIRE(kKeyEntrySize == 8);
    STATIC_REQUIRE(kMaxBucketBits == 31);
    STATIC_REQUIRE(kEdgePropsHeadSize == 32);
    // §6.5: node type entry with V = 3 is align(12 + 3, 4) = 16 bytes.
    STATIC_REQUIRE(align_up(kNodeTypeEntryHeadSize + 3, 4) == 16);
}

TEST_CASE("format: slots, vertex references and adjacency words (§5, §7)", "[format][layout]") {
    STATIC_REQUIRE(kSlotTagMask == 0x3);
    STATIC_REQUIRE(kSlotTagLocal == 0x1);
    STATIC_REQUIRE(kSlotOffsetMask == 0x0000FFFFFFFFFFFCull);
    STATIC_REQUIRE(kSlotDomainShift == 48);
    STATIC_REQUIRE(kRecordAlign == 4);
    STATIC_REQUIRE(kLocalIndexMask == 0x7FFFFFFFu);
    STATIC_REQUIRE(kTerminatorBit == 0x80000000u);
    STATIC_REQUIRE(kRefShardShift == 32);
    STATIC_REQUIRE(kVertexRefSize == 6);
    STATIC_REQUIRE(kBlockTypeMask == 0xFFFF);
    STATIC_REQUIRE(kBlockGroupsShift == 16);
    // §7.1: vertex 5's out_edges slot is (5 << 48) | 0x1A4 | L = 0x00050000000001A5.
    const uint64_t slot = (uint64_t{5} << kSlotDomainShift) | 0x1A4 | kSlotTagLocal;
    CHECK(slot == 0x00050000000001A5ull);
    uint8_t bytes[8];
    store<uint64_t>(bytes, slot);
    CHECK(std::vector<uint8_t>(bytes, bytes + 8) == std::vector<uint8_t>{0xA5, 0x01, 0, 0, 0, 0, 0x05, 0});
    CHECK((slot & kSlotOffsetMask) == 0x1A4);
    CHECK((slot >> kSlotDomainShift) == 5);
    // §7.1: "vertex 9, terminator" is 09 00 00 80; block word "type 0, G 2" is 00 00 02 00.
    store<uint32_t>(bytes, 9 | kTerminatorBit);
    CHECK(std::vector<uint8_t>(bytes, bytes + 4) == std::vector<uint8_t>{0x09, 0, 0, 0x80});
    store<uint32_t>(bytes, 0u | (2u << kBlockGroupsShift));
    CHECK(std::vector<uint8_t>(bytes, bytes + 4) == std::vector<uint8_t>{0, 0, 0x02, 0});
}

TEST_CASE("format: limits (§9)", "[format][layout]") {
    STATIC_REQUIRE(kMaxVerticesPerShard == 2147483648ull);
    STATIC_REQUIRE(kMaxShards == 65535);
    STATIC_REQUIRE(kMaxLabels == 65535);
    STATIC_REQUIRE(kMaxEdgeTypes == 65535);
    STATIC_REQUIRE(kMaxAttributes == 4096);
    STATIC_REQUIRE(kMaxValueSize == 0xFFFFFFF0ull);
    STATIC_REQUIRE(kMaxRecordVarBytes == 0xFFFFFFFEull);
    CHECK(vlq_size(kMaxValueSize) == 5);  // "bounds the VLQ at 5 bytes"
}

TEST_CASE("format: sort_key_pairs orders (hash, local) pairs as std::sort does, shared top bits too", "[format][key_table]") {
    std::mt19937_64 rng(41);
    for (size_t n : {0, 1, 63, 64, 65, 1000, 100000}) {
        for (int shape = 0; shape < 3; ++shape) {
            std::vector<std::pair<uint64_t, uint32_t>> keys(n);
            for (size_t i = 0; i < n; ++i) {
                uint64_t hash = rng();
                if (shape == 1) hash = hash >> 20 | uint64_t{0xABCDE} << 44;  // every key in one bucket
                if (shape == 2) hash = rng() % 50;                          // repeated hashes, told apart by local
                keys[i] = {hash, static_cast<uint32_t>(rng() % (n + 1))};
            }
            auto expected = keys;
            std::sort(expected.begin(), expected.end());
            format::sort_key_pairs(keys);
            INFO(n << " keys, shape " << shape);
            CHECK(keys == expected);
        }
    }
}
