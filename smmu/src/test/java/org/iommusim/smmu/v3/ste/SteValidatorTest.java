package org.iommusim.smmu.v3.ste;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.junit.jupiter.api.Test;

/** STE decoding and SteIllegal (IHI 0070 5.2, 5.2.2). */
class SteValidatorTest {
    private static final IdRegisters ID = Presets.DEFAULT;

    private static StreamConfig decode(long dw0, long dw1, long dw2, long dw3) {
        return SteValidator.decode(new StreamTableEntry(dw0, dw1, dw2, dw3), ID);
    }

    private static final long S2 = SteField.s2Vmid(7) | SteField.s2T0sz(24) | SteField.s2Sl0(1) | SteField.s2Tg(0)
            | SteField.s2Ps(5) | SteField.s2Aa64() | SteField.s2R() | SteField.s2Affd() | SteField.s2Ha()
            | SteField.s2Hd() | SteField.s2Ptw();

    @Test
    void nestedSteDecodes() {
        long dw0 = SteField.v() | SteField.config(StreamTableEntry.CONFIG_NESTED) | SteField.s1ContextPtr(0x4000)
                | SteField.s1Fmt(StreamTableEntry.S1FMT_2LVL_64K) | SteField.s1CdMax(20);
        StreamConfig c = decode(dw0, SteField.s1Dss(StreamTableEntry.S1DSS_BYPASS) | SteField.strw(0), S2,
                SteField.s2Ttb(0x2_0000));
        assertNotNull(c);
        assertTrue(c.ste().stage1Enabled() && c.ste().stage2Enabled());
        assertEquals(StreamTableEntry.S1DSS_BYPASS, c.ste().s1Dss());
        assertEquals(20, c.ste().s1CdMax());
        assertEquals(7, c.vmid());
        Stage2Config s2 = c.stage2();
        assertEquals(1, s2.format().startLevel());
        assertEquals(2, s2.format().concatenatedTables());
        assertTrue(s2.affd() && s2.ha() && s2.hd() && s2.ptw() && s2.record());
    }

    @Test
    void illegalCombinations() {
        long s2ste = SteField.v() | SteField.config(StreamTableEntry.CONFIG_S2);
        assertNotNull(decode(s2ste, 0, S2, SteField.s2Ttb(0x2_0000)));
        assertNull(decode(s2ste, 0, S2 | SteField.s2Tg(3), 0));
        assertNull(decode(s2ste, 0, S2 & ~SteField.s2Aa64(), 0));
        assertNull(decode(s2ste, 0, (S2 & ~SteField.s2T0sz(0x3F)) | SteField.s2T0sz(16), 0));
        assertNull(decode(s2ste, 0, S2, SteField.s2Ttb(1L << 49)));
        assertNull(SteValidator.decode(new StreamTableEntry(s2ste, 0, S2, 0), Presets.QEMU)); // no S2P
        long s1ste = SteField.v() | SteField.config(StreamTableEntry.CONFIG_S1) | SteField.s1ContextPtr(0x4000);
        assertNotNull(decode(s1ste, 0, 0, 0));
        assertNull(decode(s1ste | SteField.s1CdMax(21), 0, 0, 0));
        assertNull(decode(s1ste, SteField.strw(1), 0, 0));
        assertNull(decode(s1ste | SteField.s1ContextPtr(1L << 49), 0, 0, 0));
    }
}
