package org.latentlab.doctor.internal;

import java.util.ArrayList;
import java.util.List;

/** Turns exceptions into one line for a terminal: the messages of the cause chain, no stack trace. */
final class Problems {

    private static final int MAX = 400;

    private Problems() {}

    static String oneLine(Throwable t) {
        List<String> parts = new ArrayList<>();
        for (Throwable c = t; c != null && parts.size() < 4; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            String text = m == null || m.isBlank() ? c.getClass().getSimpleName() : m.strip();
            if (parts.stream().noneMatch(p -> p.contains(text))) {
                parts.add(text);
            }
        }
        String line = String.join(": ", parts).replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return line.length() <= MAX ? line : line.substring(0, MAX - 3) + "...";
    }
}
