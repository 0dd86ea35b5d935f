package io.safeframe.gateway.internal;

import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through while checking they are well-formed UTF-8 (RFC 3629): no overlong forms, no encoded surrogates,
 * nothing above U+10FFFF, no sequence cut short. Jackson's own decoder accepts overlong forms (F0 8F 98 80 for
 * U+F600), so the same text could arrive in several byte forms past anything that filters on bytes.
 */
final class StrictUtf8 extends FilterInputStream {

    private long position;
    private int pending; // continuation bytes still expected
    private int low = 0x80; // allowed range of the next continuation byte
    private int high = 0xBF;

    StrictUtf8(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            atEnd();
        } else {
            check(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            atEnd();
        }
        for (int i = 0; i < n; i++) {
            check(buffer[offset + i] & 0xFF);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes would go unchecked; Jackson does not skip, so read them instead
        return read(new byte[(int) Math.min(n, 8192)]);
    }

    private void check(int b) throws CharConversionException {
        position++;
        if (pending > 0) {
            if (b < low || b > high) {
                throw malformed();
            }
            pending--;
            low = 0x80;
            high = 0xBF;
        } else if (b >= 0x80) {
            // lead byte: how many continuation bytes follow, and the range of the first one (RFC 3629 section 4)
            if (b >= 0xC2 && b <= 0xDF) {
                pending = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                pending = 2;
                low = b == 0xE0 ? 0xA0 : 0x80;
                high = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                pending = 3;
                low = b == 0xF0 ? 0x90 : 0x80;
                high = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                throw malformed();
            }
        }
    }

    private void atEnd() throws CharConversionException {
        if (pending > 0) {
            throw new CharConversionException("the body is not well-formed UTF-8: it ends inside a character");
        }
    }

    private CharConversionException malformed() {
        return new CharConversionException("the body is not well-formed UTF-8 (byte " + (position - 1) + ")");
    }
}
