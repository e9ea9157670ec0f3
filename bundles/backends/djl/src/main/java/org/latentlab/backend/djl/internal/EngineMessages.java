package org.latentlab.backend.djl.internal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The line of a native engine's error that says what is wrong. libtorch puts the TorchScript interpreter's traceback
 * first and the error itself last ("RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x17 and 16x32)"); ONNX
 * Runtime puts the offending index on the line after "... for the following indices". The first line alone said
 * only "The following operation failed in the TorchScript interpreter."
 */
final class EngineMessages {

    /** A Python-style error line: "RuntimeError: ...", "ValueError: ...". */
    private static final Pattern ERROR_LINE = Pattern.compile("[A-Z]\\w*(Error|Exception): .+");

    private EngineMessages() {}

    static String summary(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        List<String> lines = msg.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        if (lines.size() > 1) {
            for (int i = lines.size() - 1; i > 0; i--) {
                if (ERROR_LINE.matcher(lines.get(i)).matches()) {
                    return lines.get(i);
                }
            }
        }
        String first = lines.get(0);
        if (lines.size() > 1 && (first.endsWith("following indices") || first.endsWith(":"))) {
            return first + " " + lines.get(1);
        }
        return first;
    }
}
