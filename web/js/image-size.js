// The pixel size an image file declares in its header, without decoding it: used when the
// browser cannot decode a file, to tell a photo too big to open (say so, with its size) from a
// file that is no picture. Formats: PNG (IHDR, ISO/IEC 15948 §11.2.2), JPEG (the SOFn frame
// header, ITU-T T.81 §B.2.2), GIF (logical screen descriptor), BMP (BITMAPINFOHEADER) and WebP
// (VP8, VP8L and VP8X chunks, RFC 9649). Returns {width, height} or null.

/** ``bytes``: a Uint8Array of the file's first bytes (64 KB is plenty for a JPEG's frame header). */
export function imageSize(bytes) {
  const b = bytes;
  const u16be = (i) => (b[i] << 8) | b[i + 1];
  const u16le = (i) => b[i] | (b[i + 1] << 8);
  const u24le = (i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
  const u32be = (i) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
  const u32le = (i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + ((b[i + 3] << 24) >>> 0);
  const ascii = (i, n) => String.fromCharCode(...b.subarray(i, i + n));
  const size = (width, height) => (width > 0 && height > 0 ? { width, height } : null);
  if (b.length >= 24 && b[0] === 0x89 && ascii(1, 3) === "PNG" && ascii(12, 4) === "IHDR") {
    return size(u32be(16), u32be(20));
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1];
      if (marker === 0xff) { i += 1; continue; } // fill byte
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
      const sof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (sof) return size(u16be(i + 7), u16be(i + 5));
      i += 2 + u16be(i + 2);
    }
    return null;
  }
  if (b.length >= 10 && (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a")) return size(u16le(6), u16le(8));
  if (b.length >= 26 && ascii(0, 2) === "BM") return size(u32le(18), Math.abs(u32le(22) | 0));
  if (b.length >= 30 && ascii(0, 4) === "RIFF" && ascii(8, 4) === "WEBP") {
    const chunk = ascii(12, 4);
    if (chunk === "VP8X") return size(u24le(24) + 1, u24le(27) + 1);
    if (chunk === "VP8 ") return size(u16le(26) & 0x3fff, u16le(28) & 0x3fff);
    if (chunk === "VP8L") {
      const bits = u32le(21);
      return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
  }
  return null;
}
