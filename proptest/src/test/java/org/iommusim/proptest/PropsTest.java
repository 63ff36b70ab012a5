package org.iommusim.proptest;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PropsTest {
    @Test
    void triesAreOwnCountAbsoluteOrScaled() {
        assertEquals(40, Props.tries(40, null));
        assertEquals(40, Props.tries(40, " "));
        assertEquals(7, Props.tries(40, "7"));
        assertEquals(400, Props.tries(40, "x10"));
        assertThrows(IllegalArgumentException.class, () -> Props.tries(40, "0"));
        assertThrows(IllegalArgumentException.class, () -> Props.tries(40, "x0"));
        assertThrows(IllegalArgumentException.class, () -> Props.tries(40, "many"));
    }

    @Test
    void seedIsDefaultDecimalOrHex() {
        assertEquals(Props.DEFAULT_SEED, Props.seed(null));
        assertEquals(-5, Props.seed("-5"));
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, Props.seed("0xffffffffffffffff"));
        assertThrows(IllegalArgumentException.class, () -> Props.seed("seed"));
    }

    @Test
    void aFailureIsShrunkAndNamesItsReplayCommand() {
        AssertionError e = assertThrows(AssertionError.class, () -> qt(200)
                .forAll(gen(r -> r.nextInt(0, 1_000_000)))
                .checkAssert(x -> assertTrue(x < 1000)));
        String m = e.getMessage();
        assertTrue(m.contains("Smallest found falsifying value(s) :-" + System.lineSeparator() + "1000"), m);
        assertTrue(m.contains("Seed was " + Props.DEFAULT_SEED), m);
        assertTrue(m.contains("Replay: mvn -B verify -pl proptest -am -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest=PropsTest#aFailureIsShrunkAndNamesItsReplayCommand -Diommusim.seed=" + Props.DEFAULT_SEED), m);
    }

    @Test
    void theSameSeedDrawsTheSameExamples() {
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        qt(50).forAll(gen(r -> r.nextLong())).checkAssert(first::add);
        qt(50).forAll(gen(r -> r.nextLong())).checkAssert(second::add);
        assertEquals(50, first.size());
        assertEquals(first, second);
        assertTrue(first.stream().distinct().count() > 40, "draws vary: " + first);
    }

    @Test
    void boundedDrawsStayInTheirBounds() {
        qt(2000).forAll(gen(r -> new long[] {r.nextLong(-3, 9), r.nextInt(5), r.nextLong(1L << 40), r.nextInt(7, 8)}))
                .checkAssert(v -> {
                    assertTrue(v[0] >= -3 && v[0] < 9, "nextLong(-3, 9) = " + v[0]);
                    assertTrue(v[1] >= 0 && v[1] < 5, "nextInt(5) = " + v[1]);
                    assertTrue(v[2] >= 0 && v[2] < (1L << 40), "nextLong(2^40) = " + v[2]);
                    assertEquals(7, v[3]);
                });
    }

    @Test
    void boundedDrawsReachBothEnds() {
        boolean[] seen = new boolean[5];
        qt(500).forAll(gen(r -> r.nextInt(5))).checkAssert(v -> seen[v] = true);
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "never drew " + i);
        }
    }
}
