package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class MemoryBudgetTest {

    /** A heap of which {@code garbage} bytes are freed by the next collection. */
    static final class Heap {
        final AtomicLong free = new AtomicLong();
        final AtomicLong garbage = new AtomicLong();
        final AtomicInteger collections = new AtomicInteger();

        Heap(long free, long garbage) {
            this.free.set(free);
            this.garbage.set(garbage);
        }

        void collect() {
            collections.incrementAndGet();
            free.addAndGet(garbage.getAndSet(0));
        }
    }

    @Test
    void garbageNotYetCollectedDoesNotRefuseARequestThatFits() {
        // 300,000 seeds of dimension 4 in parts of ~100,000: ~23 MB; the heap has 5 MB free and 40 MB of garbage
        long need = MemoryBudget.seedBytes(300_000, 4, 4096, 100_000);
        Heap heap = new Heap(5L << 20, 40L << 20);
        long available = MemoryBudget.available(need, heap.free::get, heap::collect);
        assertEquals(45L << 20, available);
        assertEquals(1, heap.collections.get());
        MemoryBudget.checkSeeds("seeds.npy", 300_000, 4, 4096, 100_000, available); // accepted
    }

    @Test
    void enoughFreeHeapIsNotCollectedAndTooLittleIsStillRefused() {
        long need = MemoryBudget.seedBytes(300_000, 4, 4096, 100_000);
        Heap roomy = new Heap(need, 0);
        assertEquals(need, MemoryBudget.available(need, roomy.free::get, roomy::collect));
        assertEquals(0, roomy.collections.get(), "no collection when the estimate already fits");

        Heap full = new Heap(5L << 20, 1L << 20);
        long available = MemoryBudget.available(need, full.free::get, full::collect);
        assertEquals(6L << 20, available);
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> MemoryBudget.checkSeeds("seeds.npy", 300_000, 4, 4096, 100_000, available));
        assertEquals(true, e.getMessage().contains("this lab can use 6 MB"), e.getMessage());
    }

    @Test
    void seedBytesIsWhatCheckSeedsAsksFor() {
        long need = MemoryBudget.seedBytes(300_000, 4, 4096, 100_000);
        MemoryBudget.checkSeeds("s", 300_000, 4, 4096, 100_000, need);
        assertThrows(LatentLabException.class, () -> MemoryBudget.checkSeeds("s", 300_000, 4, 4096, 100_000, need - 1));
        assertEquals(Long.MAX_VALUE / 2 + 4096L * 4 * (1 << 28) * 8, MemoryBudget.seedBytes(Long.MAX_VALUE, 1 << 28, 4096, Integer.MAX_VALUE),
                "saturates instead of wrapping");
    }
}
