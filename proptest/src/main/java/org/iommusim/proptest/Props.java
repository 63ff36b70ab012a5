package org.iommusim.proptest;

import java.util.function.Function;
import java.util.random.RandomGenerator;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Gen;
import org.quicktheories.core.NoGuidance;
import org.quicktheories.core.Strategy;

/**
 * How every property in iommusim is run: QuickTheories with a fixed seed and a bounded number of tries,
 * both settable from the command line, and failures that print the seed, the shrunk input and a replay
 * command.
 *
 * <ul>
 *   <li>{@value #SEED}: the seed of every property (decimal or {@code 0x} hex); default {@value #DEFAULT_SEED}.
 *   <li>{@value #TRIES}: {@code N} runs every property {@code N} times; {@code xK} runs each K times its own
 *       count (the count its test passes to {@link #qt(int)}, chosen so {@code mvn verify} stays quick).
 * </ul>
 *
 * <p>Generators are best written as plain functions of a {@link RandomGenerator} and wrapped with
 * {@link #gen(Function)}: the same function then serves any engine or a plain loop, and QuickTheories
 * still shrinks the input, because it shrinks the numbers the function drew.
 */
public final class Props {
    /** The system property holding the seed. */
    public static final String SEED = "iommusim.seed";
    /** The system property holding the tries count or scale. */
    public static final String TRIES = "iommusim.tries";
    /** The seed used when {@value #SEED} is not set. */
    public static final long DEFAULT_SEED = 0x10CA1_5EEDL;

    private static final int MAX_SHRINK_CYCLES = 2_000;
    private static final int GENERATE_ATTEMPTS = 100;
    private static final long NO_TIME_LIMIT = -1;

    private Props() {
    }

    /**
     * A QuickTheory that runs {@code ownTries} examples (or what {@value #TRIES} says) from the configured
     * seed. Call it from the test method itself: the replay command names the calling method.
     */
    public static QuickTheory qt(int ownTries) {
        long seed = seed(System.getProperty(SEED));
        int tries = tries(ownTries, System.getProperty(TRIES));
        Replay replay = Replay.ofCaller(seed);
        return QuickTheory.qt(() -> new Strategy(Configuration.defaultPRNG(seed), tries, NO_TIME_LIMIT,
                Math.min(MAX_SHRINK_CYCLES, tries * 100), GENERATE_ATTEMPTS, new ReplayReporter(replay),
                prng -> new NoGuidance()));
    }

    /** A generator from a plain function of a random source; shrinking works on the numbers it draws. */
    public static <T> Gen<T> gen(Function<RandomGenerator, T> function) {
        return in -> function.apply(new SourceRandom(in));
    }

    /** The seed a setting names, or the default when there is none. */
    static long seed(String setting) {
        if (setting == null || setting.isBlank()) {
            return DEFAULT_SEED;
        }
        String s = setting.strip();
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16)
                    : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED + " must be a decimal or 0x-hex number, not '" + setting + "'");
        }
    }

    /** The tries a property runs: its own count, an absolute override {@code N} or a scale {@code xK}. */
    static int tries(int ownTries, String setting) {
        if (ownTries < 1) {
            throw new IllegalArgumentException("a property runs at least once");
        }
        if (setting == null || setting.isBlank()) {
            return ownTries;
        }
        String s = setting.strip();
        try {
            long n = s.startsWith("x") ? (long) ownTries * Long.parseLong(s.substring(1)) : Long.parseLong(s);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return (int) Math.min(Integer.MAX_VALUE, n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(TRIES + " must be a count N or a scale xK (N, K >= 1), not '"
                    + setting + "'");
        }
    }
}
