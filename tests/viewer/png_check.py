"""Checks that a PNG screenshot is a real picture: the expected size, many distinct colours,
and no single colour covering nearly everything. Decodes the PNG with zlib alone.

    png_check.py FILE WIDTH HEIGHT [MIN_COLOURS]

MIN_COLOURS defaults to 50 (a walked graph shows far more); an error screen has fewer.
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type = header[:4]
    if depth != 8 or colour_type not in (2, 6):
        sys.exit("unexpected PNG format: depth %d colour type %d" % (depth, colour_type))
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    path, want_width, want_height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    min_colours = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    width, height, channels, rows = decode(path)
    if (width, height) != (want_width, want_height):
        sys.exit("size %dx%d, want %dx%d" % (width, height, want_width, want_height))
    counts = {}
    for line in rows:
        for x in range(0, len(line), channels):
            colour = line[x:x + 3]
            counts[colour] = counts.get(colour, 0) + 1
    top = max(counts.values()) / float(width * height)
    if len(counts) < min_colours:
        sys.exit("only %d distinct colours" % len(counts))
    if top > 0.95:
        sys.exit("one colour covers %.0f%% of the picture" % (top * 100))
    print("%s: %dx%d, %d colours, the commonest covers %.0f%%" % (path, width, height, len(counts), top * 100))


if __name__ == "__main__":
    main()
