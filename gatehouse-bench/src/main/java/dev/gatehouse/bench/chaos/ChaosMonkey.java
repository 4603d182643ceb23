package dev.gatehouse.bench.chaos;

import dev.gatehouse.bench.scenario.Args;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The chaos thread: every {@code killEvery} seconds (drawn anew each time from its range) it
 * SIGKILLs one backend chosen at random among those up (or, with a share {@code termShare} of
 * the kills, SIGTERMs it: a clean stop), and restarts it {@code down} seconds
 * (drawn from its range) later, on the same port. A backend that is down or still starting is
 * never chosen, and no kill happens when it would leave fewer than {@code minUp} backends up
 * (the kill is then skipped and recorded as such). A backend process that exits on its own is
 * restarted after a second. Kills happen only within the run's time window; restarts due after it
 * are not made.
 *
 * <p>The random draws come from a generator seeded with {@code seed}, so a run's sequence of
 * intervals, victims and down times is reproducible; when each kill lands relative to the
 * requests is not.
 */
public final class ChaosMonkey implements Runnable {

    /**
     * A chaos event, for {@code chaos.tsv}: {@code kind} is {@code kill} (SIGKILL), {@code term}
     * (SIGTERM), {@code restart}, {@code exited} (by itself) or {@code skip}.
     */
    public record Event(long micros, String kind, int backend, String instance, long pid, String note) {
    }

    /** Seconds between {@code min} and {@code max}, drawn uniformly. */
    public record Range(double min, double max) {

        public Range {
            if (!(min > 0) || !(max >= min) || max > 3600) {
                throw new IllegalArgumentException("range: " + min + "-" + max + " (expected: 0 < min <= max <= 3600 s)");
            }
        }

        /** Parses {@code 2-5} or {@code 3} (seconds, decimals allowed). */
        public static Range parse(String name, String text) {
            try {
                String[] parts = text == null ? new String[0] : text.trim().split("-", -1);
                if (parts.length == 1 || parts.length == 2) {
                    double lo = Double.parseDouble(parts[0]);
                    double hi = parts.length == 2 ? Double.parseDouble(parts[1]) : lo;
                    return new Range(lo, hi);
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw Args.fail(name, text, "seconds MIN-MAX such as 2-5, 0 < MIN <= MAX <= 3600");
        }

        /** A draw from the range, in nanoseconds. */
        public long drawNanos(SplittableRandom random) {
            double s = max > min ? min + random.nextDouble() * (max - min) : min;
            return (long) (s * 1e9);
        }

        @Override
        public String toString() {
            return min == max ? fmt(min) + " s" : fmt(min) + "-" + fmt(max) + " s";
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long CRASH_RESTART_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BackendFleet fleet;
    private final Range killEvery;
    private final Range down;
    private final int minUp;
    private final double termShare;
    private final SplittableRandom random;
    private final long startNanos;
    private final long endNanos;
    private final List<Event> events = new ArrayList<>();
    private volatile Throwable failure;

    ChaosMonkey(BackendFleet fleet, Range killEvery, Range down, int minUp, long seed, long startNanos, long endNanos) {
        this(fleet, killEvery, down, minUp, 0, seed, startNanos, endNanos);
    }

    /**
     * @param fleet      the backends
     * @param killEvery  seconds between two kills
     * @param down       seconds a killed backend stays down
     * @param minUp      no kill when it would leave fewer backends up
     * @param termShare  the share of kills that are a SIGTERM rather than a SIGKILL, 0-1
     * @param seed       of the draws (intervals, victims, signals, down times)
     * @param startNanos the run's start ({@link System#nanoTime()})
     * @param endNanos   its end: no kill nor restart after it
     */
    public ChaosMonkey(BackendFleet fleet, Range killEvery, Range down, int minUp, double termShare, long seed,
                       long startNanos, long endNanos) {
        if (!(termShare >= 0 && termShare <= 1)) {
            throw new IllegalArgumentException("termShare: " + termShare + " (expected: 0-1)");
        }
        this.fleet = fleet;
        this.killEvery = killEvery;
        this.down = down;
        this.minUp = minUp;
        this.termShare = termShare;
        this.random = new SplittableRandom(seed);
        this.startNanos = startNanos;
        this.endNanos = endNanos;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    private void loop() throws InterruptedException {
        int n = fleet.size();
        long[] restartAt = new long[n];
        Arrays.fill(restartAt, Long.MAX_VALUE);
        long nextKill = startNanos + killEvery.drawNanos(random);
        long now;
        while ((now = System.nanoTime()) < endNanos) {
            fleet.pollReady();
            for (int b = 0; b < n; b++) {
                if (restartAt[b] <= now) {
                    restartAt[b] = Long.MAX_VALUE;
                    BackendFleet.Instance in = fleet.start(b);
                    events.add(new Event(in.startedMicros, "restart", b, in.id, in.process.pid(), ""));
                } else if (restartAt[b] == Long.MAX_VALUE && fleet.isDown(b)) {
                    // Down without a restart planned: it exited by itself.
                    BackendFleet.Instance gone = fleet.current(b);
                    restartAt[b] = now + CRASH_RESTART_NANOS;
                    events.add(new Event(WallClock.micros(), "exited", b, gone.id, gone.process.pid(),
                            "exited by itself; restart in 1 s"));
                }
            }
            if (now >= nextKill) {
                killOne(restartAt, now);
                nextKill = now + killEvery.drawNanos(random);
            }
            LockSupport.parkNanos(TICK_NANOS);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private void killOne(long[] restartAt, long now) throws InterruptedException {
        List<Integer> candidates = new ArrayList<>();
        for (int b = 0; b < fleet.size(); b++) {
            if (fleet.isUp(b)) {
                candidates.add(b);
            }
        }
        if (candidates.size() <= minUp) {
            events.add(new Event(WallClock.micros(), "skip", -1, "", -1,
                    candidates.size() + " up, at least " + minUp + " must stay up"));
            return;
        }
        int victim = candidates.get(random.nextInt(candidates.size()));
        long downNanos = down.drawNanos(random);
        // Drawn only when asked for, so that a chaos run's sequence stays what it was for its seed.
        boolean term = termShare > 0 && random.nextDouble() < termShare;
        BackendFleet.Instance killed = term ? fleet.terminate(victim) : fleet.kill(victim);
        restartAt[victim] = now + downNanos;
        events.add(new Event(killed.killMicros, term ? "term" : "kill", victim, killed.id, killed.process.pid(),
                String.format(java.util.Locale.ROOT, "down for %.2f s", downNanos / 1e9)));
    }

    /** The events so far; call after the thread has ended. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** What made the thread stop early, or null. */
    public Throwable failure() {
        return failure;
    }
}
