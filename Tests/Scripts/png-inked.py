#!/usr/bin/env python3
"""Exit 1 when a PNG screenshot looks blank: under 2% of sampled pixels inked, or under 8 colours.
Standard library only. Usage: png-inked.py FILE.png"""
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height, color_type = 8, b"", 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, color_type = struct.unpack(">IIBB", chunk[:10])
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + length
raw = zlib.decompress(idat)
channels = {2: 3, 6: 4, 0: 1, 4: 2}[color_type]
stride = width * channels
# Undo the PNG row filters, then count pixels that are not background white.
previous = bytearray(stride)
rows, offset = [], 0
for _ in range(height):
    kind = raw[offset]; row = bytearray(raw[offset + 1:offset + 1 + stride]); offset += 1 + stride
    for i in range(stride):
        left = row[i - channels] if i >= channels else 0
        up = previous[i]
        upper_left = previous[i - channels] if i >= channels else 0
        if kind == 1: row[i] = (row[i] + left) & 255
        elif kind == 2: row[i] = (row[i] + up) & 255
        elif kind == 3: row[i] = (row[i] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - upper_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
            row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 255
    rows.append(row); previous = row
inked = colours = 0
seen = set()
for row in rows[::4]:
    for x in range(0, width, 4):
        pixel = bytes(row[x * channels:x * channels + 3])
        seen.add(pixel)
        if pixel != b"\xff\xff\xff": inked += 1
samples = len(rows[::4]) * len(range(0, width, 4))
share = inked / samples
print(f"{path}: {width}x{height}, {share:.1%} of sampled pixels inked, {len(seen)} distinct colours")
if share < 0.02 or len(seen) < 8:
    print(f"{path}: the page looks blank", file=sys.stderr)
    sys.exit(1)
