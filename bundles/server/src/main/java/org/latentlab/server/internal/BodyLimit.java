package org.latentlab.server.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read through a cap: more than {@code max} bytes fail with {@link TooLarge} as soon as
 * the limit is passed, so a huge body (chunked, without Content-Length) is never read whole.
 */
final class BodyLimit extends FilterInputStream {

    /** The body is larger than the configured limit: HTTP 413. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("the request body is larger than " + max + " bytes (maxRequestBytes in DATA/etc/org.latentlab.server.cfg)");
        }

        /** This exception in the cause chain of {@code t} (parsers wrap what the stream throws), or null. */
        static TooLarge in(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof TooLarge tl) {
                    return tl;
                }
            }
            return null;
        }
    }

    private final long max;
    private long read;

    BodyLimit(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        // never ask for more than one byte past the limit
        int n = super.read(buf, off, (int) Math.min(len, Math.max(1, max - read + 1)));
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(Math.min(n, max - read + 1));
        count(s);
        return s;
    }

    private void count(long n) throws TooLarge {
        read += n;
        if (read > max) {
            throw new TooLarge(max);
        }
    }
}
