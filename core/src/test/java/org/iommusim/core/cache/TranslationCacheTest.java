package org.iommusim.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

class TranslationCacheTest {
    @Test
    void hitReturnsTheFilledValueAndCounts() {
        TranslationCache<String> c = new TranslationCache<>("t", CacheConfig.of(8, 2));
        assertNull(c.lookup(1, 2));
        c.fill(1, 2, "a");
        assertSame("a", c.lookup(1, 2));
        assertNull(c.lookup(1, 3), "both key words must match");
        assertNull(c.lookup(2, 2));
        CacheStatistics s = c.statistics();
        assertEquals(4, s.lookups());
        assertEquals(1, s.hits());
        assertEquals(3, s.misses());
        assertEquals(1, s.fills());
    }

    @Test
    void refillReplacesInPlace() {
        TranslationCache<String> c = new TranslationCache<>("t", CacheConfig.of(4, 4));
        c.fill(1, 1, "a");
        c.fill(1, 1, "b");
        assertEquals(1, c.size());
        assertSame("b", c.lookup(1, 1));
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        TranslationCache<String> c = new TranslationCache<>("t", CacheConfig.of(2, 2));
        c.fill(1, 0, "a");
        c.fill(2, 0, "b");
        c.lookup(1, 0);            // a is now the most recent
        c.fill(3, 0, "c");         // evicts b
        assertSame("a", c.lookup(1, 0));
        assertNull(c.lookup(2, 0));
        assertSame("c", c.lookup(3, 0));
        assertEquals(1, c.statistics().evictions());
    }

    @Test
    void fifoIgnoresHits() {
        TranslationCache<String> c = new TranslationCache<>("t",
                CacheConfig.of(2, 2).withPolicy(ReplacementPolicy.FIFO));
        c.fill(1, 0, "a");
        c.fill(2, 0, "b");
        c.lookup(1, 0);
        c.fill(3, 0, "c");         // evicts a, the first filled
        assertNull(c.lookup(1, 0));
        assertSame("b", c.lookup(2, 0));
    }

    @Test
    void randomPolicyRepeatsForTheSameSeed() {
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        for (StringBuilder out : new StringBuilder[] {first, second}) {
            TranslationCache<Long> c = new TranslationCache<>("t", new CacheConfig(4, 4, ReplacementPolicy.RANDOM, 42));
            for (long k = 0; k < 20; k++) {
                c.fill(k, 0, k);
            }
            for (long k = 0; k < 20; k++) {
                out.append(c.lookup(k, 0) != null ? '1' : '0');
            }
        }
        assertEquals(first.toString(), second.toString());
    }

    @Test
    void invalidationByKeyAndByMatcher() {
        TranslationCache<String> c = new TranslationCache<>("t", CacheConfig.of(16, 4));
        for (long domain = 0; domain < 3; domain++) {
            for (long page = 0; page < 4; page++) {
                c.fill(domain, page, domain + ":" + page);
            }
        }
        assertTrue(c.invalidate(0, 0));
        assertNull(c.lookup(0, 0));
        assertEquals(4, c.invalidateIf((k0, k1, v) -> k0 == 1));
        assertNull(c.lookup(1, 2));
        assertEquals("2:3", c.lookup(2, 3));
        assertEquals(7, c.invalidateAll());
        assertEquals(0, c.size());
        assertEquals(12, c.statistics().invalidations());
    }

    @Test
    void disabledCacheNeverHits() {
        TranslationCache<String> c = new TranslationCache<>("t", CacheConfig.disabled());
        c.fill(1, 1, "a");
        assertNull(c.lookup(1, 1));
        assertEquals(0, c.size());
    }

    @Test
    void aHitAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TranslationCache<String> c = new TranslationCache<>("t", CacheConfig.of(512, 512));
        for (long k = 0; k < 512; k++) {
            c.fill(k, k * 3, "v");
        }
        long tid = Thread.currentThread().getId();
        long sink = 0;
        for (int round = 0; round < 3; round++) {          // let the lookups be compiled
            for (long k = 0; k < 512; k++) {
                sink += c.lookup(k, k * 3).length();
            }
        }
        long before = mx.getThreadAllocatedBytes(tid);
        for (int round = 0; round < 200; round++) {
            for (long k = 0; k < 512; k++) {
                sink += c.lookup(k, k * 3).length();
            }
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(3 * 512 + 200 * 512, sink);
        // 102,400 hits must cost less than one byte each: the smallest object is 16 bytes, so any
        // per-hit allocation fails this, while the measuring and the JIT's occasional few kilobytes do not.
        assertTrue(allocated < 102_400, "hits allocated " + allocated + " bytes");
    }
}
