package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/** The server's one JSON mapper: REST bodies are records in and out, written as Jackson binds them. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** How every answer is written (indented, like before the records). */
    static final ObjectWriter ANSWER = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {}
}
