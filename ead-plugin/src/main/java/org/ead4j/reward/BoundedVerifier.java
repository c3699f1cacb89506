package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a verifier under a hard per-call time limit on a small pool of daemon threads, so that no
 * response can hang or crash reward computation (rlvr-peers.md Sec. 3, item 20: Math-Verify's
 * SIGALRM timeout fails off the main thread; AReaL PR #1426: a hung verification ties up reward workers).
 *
 * <ul>
 *   <li>Responses longer than {@code maxResponseChars} score 0, {@code UNPARSEABLE}, without running the verifier.</li>
 *   <li>A call running longer than {@code timeoutMillis} (counted from when it starts, not while it
 *       waits for a thread) scores 0, {@code TIMEOUT}; its thread is interrupted.</li>
 *   <li>A verifier exception (or {@link StackOverflowError}) scores 0, {@code ERROR}, and is logged.</li>
 *   <li>{@link #verifyAll} returns results in input order; for responses that finish in time the
 *       results do not depend on thread timing.</li>
 * </ul>
 * A call that ignores the interrupt keeps its thread busy; the pool then starts a replacement thread,
 * up to {@code maxStuckThreads} extra ones, after which waiting calls time out too. Close the
 * verifier (it is {@link AutoCloseable}) to stop the pool.
 */
public class BoundedVerifier implements Verifier, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedVerifier.class);
    private static final String NAME = "BoundedVerifier";
    private static final AtomicInteger POOL_COUNT = new AtomicInteger();

    @Config(mandatory = true, description = "The verifier to run under the time limit.")
    private Verifier verifier;

    @Config(description = "Hard time limit per verification, in milliseconds, counted from when the call starts. "
            + "Range [1, inf). Default: 2000 (Math-Verify's timeout_seconds is 5).")
    private long timeoutMillis = 2000;

    @Config(description = "Worker threads (daemon). Range [1, 256]. Default: 2.")
    private int threads = 2;

    @Config(description = "Longest response passed to the verifier, in characters; longer scores 0 (UNPARSEABLE). "
            + "Range [1, inf). Default: 100000.")
    private int maxResponseChars = 100_000;

    @Config(description = "Extra threads started to replace workers stuck in timed-out calls that ignore interrupts. "
            + "Range [0, 256]. Default: 8.")
    private int maxStuckThreads = 8;

    private ThreadPoolExecutor pool;
    private final AtomicInteger stuck = new AtomicInteger();
    /** Responses the verifier threw on (scored 0); counted and summarised, not logged one by one. */
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<String> firstFailure =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean closed;

    /** For OLCUT. */
    public BoundedVerifier() {
    }

    /**
     * Wraps a verifier with the default limits (2 s, 2 threads).
     *
     * @param verifier the verifier to bound
     */
    public BoundedVerifier(Verifier verifier) {
        this.verifier = verifier;
        postConfig();
    }

    /**
     * Wraps a verifier.
     *
     * @param verifier the verifier to bound
     * @param timeoutMillis time limit per call in milliseconds
     * @param threads worker threads
     */
    public BoundedVerifier(Verifier verifier, long timeoutMillis, int threads) {
        this.verifier = verifier;
        this.timeoutMillis = timeoutMillis;
        this.threads = threads;
        postConfig();
    }

    @Override
    public synchronized void postConfig() {
        if (verifier == null) {
            throw new PropertyException(NAME, "verifier", "verifier is missing: give the verifier to bound");
        }
        VerifierChecks.atLeast(NAME, "timeoutMillis", timeoutMillis, 1);
        if (threads < 1 || threads > 256) {
            throw new PropertyException(NAME, "threads", "threads = " + threads + " is invalid: must be in [1, 256]");
        }
        VerifierChecks.atLeast(NAME, "maxResponseChars", maxResponseChars, 1);
        if (maxStuckThreads < 0 || maxStuckThreads > 256) {
            throw new PropertyException(NAME, "maxStuckThreads", "maxStuckThreads = " + maxStuckThreads
                    + " is invalid: must be in [0, 256]");
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        int id = POOL_COUNT.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "ead-verifier-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true); // idle workers exit after 30 s, so an unclosed verifier leaks no threads
    }

    @Override
    public RewardResult verify(Problem problem, String response) {
        return verifyAll(List.of(problem), List.of(response))[0];
    }

    /**
     * Scores all responses of one problem (a GRPO group).
     *
     * @param problem the problem
     * @param responses its responses
     * @return one verdict per response, in input order
     */
    public RewardResult[] verifyGroup(Problem problem, List<String> responses) {
        List<Problem> ps = new ArrayList<>(responses.size());
        for (int i = 0; i < responses.size(); i++) {
            ps.add(problem);
        }
        return verifyAll(ps, responses);
    }

    /**
     * Scores a batch in parallel under the time limit.
     *
     * @param problems the problems
     * @param responses the responses, {@code responses.get(i)} answering {@code problems.get(i)}
     * @return one verdict per response, in input order
     * @throws IllegalStateException if the verifier is closed
     * @throws CancellationException if the calling thread is interrupted while waiting
     */
    @Override
    public RewardResult[] verifyAll(List<Problem> problems, List<String> responses) {
        BatchChecks.sameSize(problems, responses);
        if (closed) {
            throw new IllegalStateException("BoundedVerifier is closed");
        }
        int n = responses.size();
        List<Job> jobs = new ArrayList<>(n);
        List<Future<RewardResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Job job = new Job(problems.get(i), responses.get(i));
            jobs.add(job);
            futures.add(pool.submit(job));
        }
        RewardResult[] out = new RewardResult[n];
        try {
            for (int i = 0; i < n; i++) {
                out[i] = await(jobs.get(i), futures.get(i));
            }
        } catch (InterruptedException e) {
            for (Future<RewardResult> f : futures) {
                f.cancel(true);
            }
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for verification");
        }
        return out;
    }

    private RewardResult await(Job job, Future<RewardResult> future) throws InterruptedException {
        long limit = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long poll = Math.min(limit, TimeUnit.MILLISECONDS.toNanos(20));
        long queuedAt = System.nanoTime();
        while (true) {
            long start = job.startNanos;
            long now = System.nanoTime();
            long wait;
            if (start == 0) {
                if (stuck.get() >= maxStuckThreads && now - queuedAt > limit && job.abandon()) {
                    future.cancel(true);
                    return RewardResult.of(0.0, Reason.TIMEOUT, null, "no free verifier thread within " + timeoutMillis
                            + " ms: " + stuck.get() + " threads are stuck in timed-out calls");
                }
                wait = poll;
            } else {
                wait = start + limit - now;
                if (wait <= 0) {
                    if (job.abandon()) {
                        future.cancel(true);
                        return timeout();
                    }
                    wait = poll; // it finished just now: collect it below
                }
            }
            try {
                return future.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // not done yet: loop to check the deadline
            } catch (CancellationException e) {
                return timeout();
            } catch (ExecutionException e) {
                return RewardResult.of(0.0, Reason.ERROR, null, "verifier failed: " + e.getCause());
            }
        }
    }

    private RewardResult timeout() {
        return RewardResult.of(0.0, Reason.TIMEOUT, null, "verification took longer than " + timeoutMillis + " ms");
    }

    /** Sets the pool size to the workers plus replacements for the stuck ones. */
    private synchronized void resize() {
        if (closed) {
            return;
        }
        int target = threads + Math.min(stuck.get(), maxStuckThreads);
        if (target > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(target);
            pool.setCorePoolSize(target);
        } else if (target < pool.getMaximumPoolSize()) {
            pool.setCorePoolSize(target);
            pool.setMaximumPoolSize(target);
        }
    }

    /** @return the number of worker threads still busy with timed-out calls */
    public int stuckThreads() {
        return stuck.get();
    }

    /** Stops the worker threads (interrupting running calls); later calls throw {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        closed = true;
        pool.shutdownNow();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }

    @Override
    public String toString() {
        return "BoundedVerifier(" + verifier + ", timeoutMillis=" + timeoutMillis + ", threads=" + threads + ")";
    }

    /** One verification; tracks when it started and whether the caller gave up on it. */
    private static boolean fromRewardResult(IllegalArgumentException e) {
        StackTraceElement[] st = e.getStackTrace();
        return st.length > 0 && st[0].getClassName().equals(RewardResult.class.getName());
    }

    /** Counts a failure; true for the first one. */
    private boolean recordFailure(Problem problem, String why) {
        failures.incrementAndGet();
        return firstFailure.compareAndSet(null, "problem " + problem.id() + ": " + why);
    }

    /**
     * How many responses the verifier threw on so far (each scored 0 with reason UNPARSEABLE or ERROR).
     *
     * @return the count
     */
    public long failures() {
        return failures.get();
    }

    /**
     * The first failure, for a summary line: "problem ID: what the verifier said".
     *
     * @return the first failure, or empty when there was none
     */
    public java.util.Optional<String> firstFailure() {
        return java.util.Optional.ofNullable(firstFailure.get());
    }

    private final class Job implements java.util.concurrent.Callable<RewardResult> {
        private final Problem problem;
        private final String response;
        volatile long startNanos;
        private boolean finished;
        private boolean countedStuck;

        Job(Problem problem, String response) {
            this.problem = problem;
            this.response = response;
        }

        @Override
        public RewardResult call() {
            startNanos = System.nanoTime() | 1; // never 0, which means "not started"
            try {
                return run();
            } finally {
                boolean release;
                synchronized (this) {
                    finished = true;
                    release = countedStuck;
                }
                if (release) {
                    stuck.decrementAndGet();
                    resize();
                }
            }
        }

        /** Marks the job as given up; a running job then counts as a stuck thread until it returns. */
        boolean abandon() {
            boolean running;
            synchronized (this) {
                if (finished) {
                    return false;
                }
                running = startNanos != 0;
                countedStuck = running;
            }
            if (running) {
                stuck.incrementAndGet();
                resize();
            }
            return true;
        }

        private RewardResult run() {
            if (response.length() > maxResponseChars) {
                return RewardResult.of(0.0, Reason.UNPARSEABLE, null, "response has " + response.length()
                        + " characters, more than maxResponseChars " + maxResponseChars);
            }
            try {
                return verifier.verify(problem, response);
            } catch (IllegalArgumentException e) {
                if (fromRewardResult(e)) {
                    // a verifier that produced an invalid result (a NaN score) is a defect, not a bad input
                    String why = "verifier failed: " + e.getMessage();
                    if (recordFailure(problem, why)) {
                        LOG.warn("verifier {} failed on problem {} ({}); further failures are counted, not logged",
                                verifier, problem.id(), why);
                    }
                    return RewardResult.of(0.0, Reason.ERROR, null, why);
                }
                // the verifier could not read the problem's answer or the response: reward 0 with the reason;
                // counted for one summary line (failures()) instead of a warning per sample
                String why = String.valueOf(e.getMessage());
                recordFailure(problem, why);
                return RewardResult.of(0.0, Reason.UNPARSEABLE, null, why);
            } catch (RuntimeException | StackOverflowError e) {
                String why = "verifier failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage());
                if (recordFailure(problem, why)) {
                    LOG.warn("verifier {} failed on problem {} ({}); further failures are counted, not logged",
                            verifier, problem.id(), why);
                }
                return RewardResult.of(0.0, Reason.ERROR, null, why);
            }
        }
    }
}
