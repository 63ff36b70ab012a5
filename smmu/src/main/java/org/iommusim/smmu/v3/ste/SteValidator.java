package org.iommusim.smmu.v3.ste;

import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.PhysicalAddressSize;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * Decides whether a valid STE is ILLEGAL (IHI 0070 5.2.2, the SteIllegal() conditions, for Non-secure
 * STEs and VMSAv8-64), against the features the ID registers advertise. An ILLEGAL STE gives C_BAD_STE.
 */
public final class SteValidator {
    private SteValidator() {
    }

    /** The stream configuration, or null when the STE is ILLEGAL. Call only for V=1, Config 0b1xx. */
    public static StreamConfig decode(StreamTableEntry ste, IdRegisters id) {
        boolean s1 = ste.stage1Enabled();
        boolean s2 = ste.stage2Enabled();
        if ((s1 && !id.s1p()) || (s2 && !id.s2p())) {
            return null;
        }
        if (id.ats() && ste.config() != StreamTableEntry.CONFIG_BYPASS && !eatsLegal(ste, id)) {
            return null;
        }
        // StreamWorld: STRW is used for stage-1-only streams on an SMMU with Hyp; 0bx1 is reserved.
        if (ste.config() == StreamTableEntry.CONFIG_S1 && id.hyp() && (ste.strw() & 1) != 0) {
            return null;
        }
        int oas = id.oasBits();
        if (s1) {
            if (ste.s1Stalld() && id.stallModel() != 0) {
                return null;
            }
            if (id.ssidSize() != 0 && ste.s1CdMax() > id.ssidSize()) {
                return null;
            }
            boolean twoLevel = ste.s1Fmt() != StreamTableEntry.S1FMT_LINEAR;
            if (twoLevel && ste.s1CdMax() != 0 && id.ssidSize() != 0 && !id.cd2l()) {
                return null;
            }
            if (ste.s1ContextPtrHigh() != 0 || (ste.s1ContextPtr() >>> oas) != 0) {
                return null;
            }
        }
        boolean vmidUsed = s2 || (s1 && id.s2p());
        if (vmidUsed && !id.vmid16() && (ste.s2Vmid() >>> 8) != 0) {
            return null;
        }
        if (!s2) {
            return new StreamConfig(ste, null);
        }
        Stage2Config stage2 = stage2(ste, id);
        return stage2 == null ? null : new StreamConfig(ste, stage2);
    }

    private static boolean eatsLegal(StreamTableEntry ste, IdRegisters id) {
        return switch (ste.eats()) {
            case 0 -> true;
            case 1 -> !(ste.s2S() && ste.stage2Enabled());
            case 2 -> ste.config() == StreamTableEntry.CONFIG_NESTED && !ste.s2S() && !id.ns1ats();
            default -> false; // 0b11 needs DPT, not implemented
        };
    }

    private static Stage2Config stage2(StreamTableEntry ste, IdRegisters id) {
        if (ste.s2S() && id.stallModel() == 1) {
            return null;
        }
        if (!ste.s2S() && id.stallModel() == 2) {
            return null;
        }
        if (!ste.s2Aa64() || !id.aarch64Tables()) {
            return null; // VMSAv8-32 LPAE stage 2 is not implemented (IDR0.TTF never advertises it)
        }
        if ((ste.s2Ha() || ste.s2Hd()) && id.httu() == IdRegisters.HTTU_NONE) {
            return null;
        }
        if (ste.s2Hd() && id.httu() != IdRegisters.HTTU_ACCESS_DIRTY) {
            return null;
        }
        if (ste.s2Endi() ? id.ttendian() == 2 : id.ttendian() == 3) {
            return null;
        }
        Granule g = Granule.fromTg0(ste.s2Tg());
        if (g == null || !id.granuleSupported(g)) {
            return null;
        }
        int oas = id.oasBits();
        int ps = PhysicalAddressSize.bits(ste.s2Ps());
        int effectivePs = ps < 0 ? oas : Math.min(ps, oas);
        // S2T0SZ below 64 - IAS is out of range; IAS = OAS on an AArch64-only SMMU.
        if (ste.s2T0sz() < 64 - oas) {
            return null;
        }
        VmsaFormat format = VmsaFormat.stage2(g, ste.s2T0sz(), ste.s2Sl0(), effectivePs).orElse(null);
        if (format == null) {
            return null;
        }
        if (ste.s2TtbHigh() != 0 || (ste.s2Ttb() >>> effectivePs) != 0) {
            return null;
        }
        long ttb = ste.s2Ttb() & -format.rootTableSize();
        return new Stage2Config(ste.s2Vmid(), format, ttb, ste.s2Affd(), ste.s2Ha(), ste.s2Hd(), ste.s2Ptw(),
                ste.s2R(), ste.s2Endi(), ste.s2S());
    }
}
