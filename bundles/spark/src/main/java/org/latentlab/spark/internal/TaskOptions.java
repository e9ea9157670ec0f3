package org.latentlab.spark.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Option;

/**
 * What the commands a Spark task runs ({@code sweep-cell}, {@code analyze-part}) share: {@code --exit-with-stdin}, so that
 * a lab whose task (the executor JVM that started it) died stops too.
 */
final class TaskOptions {

    @Option(names = "--exit-with-stdin", description = "stop when standard input ends (the process that started this one died)")
    boolean exitWithStdin;

    /**
     * True once standard input has ended, when {@code --exit-with-stdin} was given (nothing is sent on it: only the end
     * matters); always false without it.
     */
    AtomicBoolean cancelled(InputStream stdin, String thread) {
        AtomicBoolean cancelled = new AtomicBoolean();
        if (exitWithStdin) {
            Thread watch = new Thread(() -> {
                try {
                    while (stdin.read() >= 0) {
                        // nothing is sent: only the end matters
                    }
                } catch (IOException e) {
                    // the same as the end
                }
                cancelled.set(true);
            }, thread);
            watch.setDaemon(true);
            watch.start();
        }
        return cancelled;
    }
}
