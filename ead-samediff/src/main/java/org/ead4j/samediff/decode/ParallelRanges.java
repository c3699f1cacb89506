package org.ead4j.samediff.decode;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits an index range into one contiguous part per thread and runs the parts in parallel (llama3.java's
 * {@code Parallel.parallelFor}, with fixed parts). Every index is computed by the same code whatever the
 * split, so results do not depend on the thread count.
 */
final class ParallelRanges implements AutoCloseable {

    /** Work on indices [from, to). */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final int threads;
    private final ExecutorService pool; // threads - 1 workers; the caller runs the first part

    ParallelRanges(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        }
        this.threads = threads;
        if (threads == 1) {
            pool = null;
        } else {
            int id = POOL_ID.incrementAndGet();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "ead4j-decoder-" + id);
                t.setDaemon(true);
                return t;
            };
            pool = Executors.newFixedThreadPool(threads - 1, tf);
        }
    }

    /**
     * Runs {@code task} over [0, n), in parallel when {@code parallel} is true and there is more than one thread.
     *
     * @param n range size
     * @param parallel whether the work is large enough to be worth splitting
     * @param align parts start at multiples of this (e.g. 8 floats for vector-friendly column ranges)
     * @param task the work
     */
    void run(int n, boolean parallel, int align, RangeTask task) {
        if (pool == null || !parallel || n < 2 * align) {
            task.run(0, n);
            return;
        }
        int parts = Math.min(threads, n / align);
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = bound(n, parts, p, align);
            int to = bound(n, parts, p + 1, align);
            futures[p - 1] = pool.submit(() -> task.run(from, to));
        }
        task.run(0, bound(n, parts, 1, align));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException) {
                    throw (RuntimeException) c;
                }
                throw new IllegalStateException(c);
            }
        }
    }

    private static int bound(int n, int parts, int p, int align) {
        if (p >= parts) {
            return n;
        }
        long b = (long) n * p / parts;
        return (int) Math.min(n, (b + align - 1) / align * align);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
