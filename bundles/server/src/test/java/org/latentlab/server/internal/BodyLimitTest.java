package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyLimitTest {

    @Test
    void aBodyUpToTheLimitIsRead() throws IOException {
        byte[] json = "{\"a\": 1}".getBytes(StandardCharsets.UTF_8);
        JsonNode n = Json.MAPPER.readTree(new BodyLimit(new ByteArrayInputStream(json), json.length));
        assertEquals(1, n.path("a").asInt());
    }

    @Test
    void readingStopsJustPastTheLimit() {
        CountingStream endless = new CountingStream();
        IOException e = assertThrows(IOException.class, () -> Json.MAPPER.readTree(new BodyLimit(endless, 4096)));
        assertNotNull(BodyLimit.TooLarge.in(e), e.toString());
        assertEquals(4097, endless.served, "not a byte more than needed to know the body is too large");
    }

    /** "[1,1,1,..." without end. */
    static final class CountingStream extends InputStream {
        long served;

        @Override
        public int read() {
            return served++ == 0 ? '[' : (served % 2 == 0 ? '1' : ',');
        }

        @Override
        public int read(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) read();
            }
            return len;
        }
    }
}
