package org.iommusim.proptest;

import java.util.random.RandomGenerator;

import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * A {@link RandomGenerator} that draws every number from a QuickTheories randomness source, so that a
 * generator written against {@code RandomGenerator} is shrunk by QuickTheories: bounded draws become
 * constrained draws that shrink towards their lower bound, and raw {@code nextLong()} shrinks towards zero.
 */
final class SourceRandom implements RandomGenerator {
    private final RandomnessSource source;

    SourceRandom(RandomnessSource source) {
        this.source = source;
    }

    @Override
    public long nextLong() {
        return source.next(Constraint.none());
    }

    @Override
    public int nextInt() {
        return (int) source.next(Constraint.between(Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    @Override
    public boolean nextBoolean() {
        return source.next(Constraint.zeroToOne()) != 0;
    }

    @Override
    public long nextLong(long bound) {
        return nextLong(0, bound);
    }

    @Override
    public long nextLong(long origin, long bound) {
        if (origin >= bound) {
            throw new IllegalArgumentException("bound must be greater than origin");
        }
        return source.next(Constraint.between(origin, bound - 1).withShrinkPoint(origin));
    }

    @Override
    public int nextInt(int bound) {
        return nextInt(0, bound);
    }

    @Override
    public int nextInt(int origin, int bound) {
        return (int) nextLong(origin, bound);
    }
}
