package org.latentlab.numerics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs tasks 0..count-1 on an executor, or as a parallel stream when it is null; rethrows the first failure. */
final class Parallel {

    private Parallel() {}

    static void run(int count, IntConsumer task, Executor executor) {
        if (executor == null) { // the caller's thread works too: on 2 cores the common pool has 1 thread
            IntStream.range(0, count).parallel().forEach(task);
            return;
        }
        List<CompletableFuture<Void>> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int t = i;
            tasks.add(CompletableFuture.runAsync(() -> task.accept(t), executor));
        }
        try {
            CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
