package org.iommusim.smmu.v3.cd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;

/** CD decoding and CdIllegal (IHI 0070 5.4, 5.4.2) for both halves of the VA space. */
class CdValidatorTest {
    private static final IdRegisters ID = Presets.DEFAULT;
    private static final long BASE = CdField.v() | CdField.aa64() | CdField.a() | CdField.r() | CdField.ips(5);

    private static ContextDescriptor cd(long dw0, long ttb0, long ttb1) {
        return new ContextDescriptor(dw0, CdField.ttb(ttb0), CdField.ttb(ttb1), 0);
    }

    @Test
    void bothHalvesDecode() {
        long dw0 = BASE | CdField.t0sz(16) | CdField.tg0(Granule.GRANULE_4K.tg0()) | CdField.t1sz(34)
                | CdField.tg1(Granule.GRANULE_64K.tg1()) | CdField.tbi0() | CdField.tbi1() | CdField.asid(0x1234)
                | CdField.wxn() | CdField.uwxn() | CdField.affd() | CdField.ha() | CdField.hd();
        Stage1Config s1 = CdValidator.decode(cd(dw0, 0x10_0000, 0x20_0000), ID, false);
        assertNotNull(s1);
        assertEquals(0x1234, s1.asid());
        assertEquals(0, s1.half(0).format().startLevel());
        assertEquals(Granule.GRANULE_64K, s1.half(1).format().granule());
        assertEquals(30, s1.half(1).format().inputBits());
        assertTrue(s1.half(0).tbi() && s1.half(1).tbi());
        assertTrue(s1.wxn() && s1.uwxn() && s1.affd() && s1.ha() && s1.hd() && s1.record());
        assertFalse(s1.stall());
    }

    @Test
    void epdSkipsTheChecksOfItsHalf() {
        long bad0 = BASE | CdField.t0sz(63) | CdField.epd0() | CdField.t1sz(25) | CdField.tg1(Granule.GRANULE_4K.tg1());
        Stage1Config s1 = CdValidator.decode(cd(bad0, 1L << 50, 0x3000), ID, false);
        assertNotNull(s1);
        assertTrue(s1.half(0).disabled());
        assertFalse(s1.half(1).disabled());
        assertNull(CdValidator.decode(cd(bad0 & ~CdField.epd0(), 1L << 50, 0x3000), ID, false));
    }

    @Test
    void illegalCombinations() {
        long ok = BASE | CdField.t0sz(25) | CdField.epd1();
        assertNotNull(CdValidator.decode(cd(ok, 0x1000, 0), ID, false));
        assertNull(CdValidator.decode(cd(ok & ~CdField.v(), 0x1000, 0), ID, false));
        assertNull(CdValidator.decode(cd(ok & ~CdField.a(), 0x1000, 0), ID, false)); // TERM_MODEL=1
        assertNull(CdValidator.decode(cd(ok & ~CdField.aa64(), 0x1000, 0), ID, false));
        assertNull(CdValidator.decode(cd(ok | CdField.tg0(3), 0x1000, 0), ID, false));
        assertNull(CdValidator.decode(cd((ok & ~0x3FL) | CdField.t0sz(40), 0x1000, 0), ID, false));
        assertNull(CdValidator.decode(cd(ok | CdField.hd(), 0x1000, 0), Presets.QEMU, false)); // no HTTU
        assertNull(CdValidator.decode(cd(ok | CdField.asid(0x100), 0x1000, 0),
                new IdRegisters(ID.idr0() & ~(1 << 12), ID.idr1(), 0, ID.idr3(), 0, ID.idr5(), 0, 2), false));
        assertNull(CdValidator.decode(cd((ok & ~CdField.ips(7)) | CdField.ips(0), 1L << 33, 0), ID, false));
    }
}
