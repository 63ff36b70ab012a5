package org.iommusim.smmu.v3.cd;

import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.PhysicalAddressSize;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * Decides whether a CD is usable (IHI 0070 5.4.2, the CdIllegal() conditions for VMSAv8-64): V=0 and
 * every ILLEGAL combination give C_BAD_CD. TxSZ, TGx and TTBx are checked only for the halves whose EPDx
 * is 0.
 */
public final class CdValidator {
    private CdValidator() {
    }

    /**
     * The stage-1 configuration, or null when the CD is invalid or ILLEGAL.
     *
     * @param s1Stalld the STE's S1STALLD
     */
    public static Stage1Config decode(ContextDescriptor cd, IdRegisters id, boolean s1Stalld) {
        if (!cd.valid()) {
            return null;
        }
        if (cd.s() && (s1Stalld || id.stallModel() == 1)) {
            return null;
        }
        if (!cd.s() && id.stallModel() == 2) {
            return null;
        }
        if (id.termModel() && !cd.a()) {
            return null;
        }
        if (!cd.aa64() || !id.aarch64Tables()) {
            return null; // VMSAv8-32 LPAE stage 1 is not implemented (IDR0.TTF never advertises it)
        }
        if (cd.ha() && id.httu() == IdRegisters.HTTU_NONE) {
            return null;
        }
        if (cd.hd() && id.httu() != IdRegisters.HTTU_ACCESS_DIRTY) {
            return null;
        }
        if (!id.asid16() && (cd.asid() >>> 8) != 0) {
            return null;
        }
        boolean anyEnabled = !cd.epd(0) || !cd.epd(1);
        if (anyEnabled && (cd.endi() ? id.ttendian() == 2 : id.ttendian() == 3)) {
            return null;
        }
        int oas = id.oasBits();
        int ips = PhysicalAddressSize.bits(cd.ips());
        int effectiveIps = ips < 0 ? oas : Math.min(ips, oas);
        TranslationTableHalf[] halves = new TranslationTableHalf[2];
        for (int i = 0; i < 2; i++) {
            if (cd.epd(i)) {
                halves[i] = new TranslationTableHalf(null, 0, cd.tbi(i), cd.had(i), cd.endi());
                continue;
            }
            Granule g = i == 0 ? Granule.fromTg0(cd.tg(0)) : Granule.fromTg1(cd.tg(1));
            if (g == null || !id.granuleSupported(g)) {
                return null;
            }
            VmsaFormat f = VmsaFormat.stage1(g, cd.tsz(i), effectiveIps).orElse(null);
            if (f == null) {
                return null;
            }
            if (cd.ttbHigh(i) != 0 || (cd.ttb(i) >>> effectiveIps) != 0) {
                return null;
            }
            long ttb = cd.ttb(i) & -f.rootTableSize();
            halves[i] = new TranslationTableHalf(f, ttb, cd.tbi(i), cd.had(i) && id.had(), cd.endi());
        }
        boolean ha = cd.ha() || cd.hd();
        return new Stage1Config(cd.asid(), halves[0], halves[1], cd.affd(), cd.wxn(), cd.uwxn(), ha, cd.hd(),
                cd.r(), cd.s(), cd.mair());
    }
}
