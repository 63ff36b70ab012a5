package org.iommusim.smmu.v2.contextbank;

import static org.iommusim.smmu.v2.registers.ContextBankRegisters.*;

import org.iommusim.core.bits.Bits;
import org.iommusim.smmu.v2.fault.ContextFault;
import org.iommusim.smmu.v2.fault.FaultStatus;

/**
 * The state of one translation context bank: its page of registers (Arm IHI 0062 chapter 16 for the
 * stage-1 format, chapter 17 for the stage-2 format) plus its GR1 attributes CBARn, CBA2Rn and
 * CBFRSYNRn, which the bank uses to record faults. TLB maintenance registers are handled by the SMMU,
 * which owns the TLB; everything else in the page is here.
 */
public final class ContextBank {
    private final int index;

    private int sctlr;
    private int actlr;
    private int tcr2;
    private long ttbr0;
    private long ttbr1;
    private int tcr;
    private int contextidr;
    private int mair0;
    private int mair1;
    private int fsr;
    private long far;
    private int fsynr0;
    private int fsynr1;
    private long ipafar;

    private int cbar;
    private int cba2r;
    private int cbfrsynra;

    /** The SMMU's fixed ID values the controls are decoded against (IDR2.PTFSv8, IAS, OAS). */
    private final int granuleSupported;
    private final int ias;
    private final int oas;
    /*
     * The translation controls decoded from TCR, TCR2 and TTBRn: a pure function of those registers and
     * of the ID values, so they are decoded once after a register write instead of on every TLB miss.
     * Every register write drops them.
     */
    private StageTwoControl stage2Control;
    private final StageOneControl[] stage1Control = new StageOneControl[2];

    /**
     * @param granuleSupported IDR2.PTFSv8 bits: bit 0 4 KiB, bit 1 16 KiB, bit 2 64 KiB
     * @param ias              IDR2.IAS in bits (caps stage-1 output)
     * @param oas              IDR2.OAS in bits (caps stage-2 output)
     */
    public ContextBank(int index, int granuleSupported, int ias, int oas) {
        this.index = index;
        this.granuleSupported = granuleSupported;
        this.ias = ias;
        this.oas = oas;
    }

    public int index() {
        return index;
    }

    public int sctlr() {
        return sctlr;
    }

    public int tcr() {
        return tcr;
    }

    public int tcr2() {
        return tcr2;
    }

    public long ttbr0() {
        return ttbr0;
    }

    public long ttbr1() {
        return ttbr1;
    }

    public int cbar() {
        return cbar;
    }

    public int cba2r() {
        return cba2r;
    }

    public int cbfrsynra() {
        return cbfrsynra;
    }

    public boolean enabled() {
        return (sctlr & SystemControl.M) != 0;
    }

    /** The bank's VMID: CBA2R.VMID16 when sCR0.VMID16EN is set, otherwise CBAR.VMID. */
    public int vmid(boolean vmid16Enabled) {
        return vmid16Enabled ? ContextBankAttribute2.vmid16(cba2r) : ContextBankAttribute.vmid(cbar);
    }

    /** The stage-1 ASID: TTBR0.ASID, or TTBR1.ASID when TCR.A1 is set; 8 bits unless TCR2.AS. */
    public int asid() {
        long ttbr = Bits.bit(tcr, StageOneControl.A1) ? ttbr1 : ttbr0;
        int asid = (int) (ttbr >>> 48);
        return Bits.bit(tcr2, StageOneControl.TCR2_AS) ? asid : asid & 0xFF;
    }

    /** A context fault is outstanding: a fault bit of FSR is set. */
    public boolean faultOutstanding() {
        return (fsr & FaultStatus.FAULT) != 0;
    }

    /**
     * Records a context fault (Arm IHI 0062 sections 3.3, 3.5 and 3.7): the first one fills FSR, FAR, FSYNR0, IPAFAR
     * and CBFRSYNRA; while one is outstanding, a later one only sets FSR.MULTI.
     */
    public void recordFault(ContextFault fault, long faultAddress, int syndrome, long ipa, int streamId) {
        if (faultOutstanding()) {
            fsr |= FaultStatus.MULTI;
            return;
        }
        fsr = (fsr & FaultStatus.SS) | fault.fsrMask() | (FaultStatus.FORMAT_AARCH64 << FaultStatus.FORMAT_SHIFT);
        far = faultAddress;
        fsynr0 = syndrome;
        ipafar = ipa;
        cbfrsynra = streamId & 0xFFFF;
    }

    // ---- register access (offsets within the bank's page) ----

    /** Reads a 32-bit register; 64-bit registers answer with the addressed half. */
    public int read32(int offset) {
        switch (offset) {
            case SCTLR: return sctlr;
            case ACTLR: return actlr;
            case TCR2: return tcr2;
            case TTBR0: return (int) ttbr0;
            case TTBR0 + 4: return (int) (ttbr0 >>> 32);
            case TTBR1: return (int) ttbr1;
            case TTBR1 + 4: return (int) (ttbr1 >>> 32);
            case TCR: return tcr;
            case CONTEXTIDR: return contextidr;
            case MAIR0: return mair0;
            case MAIR1: return mair1;
            case FSR: return fsr;
            case FAR: return (int) far;
            case FAR + 4: return (int) (far >>> 32);
            case FSYNR0: return fsynr0;
            case FSYNR1: return fsynr1;
            case IPAFAR: return (int) ipafar;
            case IPAFAR + 4: return (int) (ipafar >>> 32);
            default: return 0;
        }
    }

    /** Writes a 32-bit register (or one half of a 64-bit one); read-only and absent offsets ignore it. */
    public void write32(int offset, int value) {
        dropDecodedControls();
        switch (offset) {
            case SCTLR: sctlr = value; break;
            case ACTLR: actlr = value; break;
            case TCR2: tcr2 = value; break;
            case TTBR0: ttbr0 = low(ttbr0, value); break;
            case TTBR0 + 4: ttbr0 = high(ttbr0, value); break;
            case TTBR1: ttbr1 = low(ttbr1, value); break;
            case TTBR1 + 4: ttbr1 = high(ttbr1, value); break;
            case TCR: tcr = value; break;
            case CONTEXTIDR: contextidr = value; break;
            case MAIR0: mair0 = value; break;
            case MAIR1: mair1 = value; break;
            case FSR: fsr &= ~(value & FaultStatus.W1C); break;
            case FSRRESTORE: fsr = (fsr & (FaultStatus.SS | FaultStatus.FORMAT_MASK))
                    | (value & ~(FaultStatus.SS | FaultStatus.FORMAT_MASK)); break;
            case FAR: far = low(far, value); break;
            case FAR + 4: far = high(far, value); break;
            case FSYNR0: fsynr0 = value; break;
            case FSYNR1: fsynr1 = value; break;
            case IPAFAR: ipafar = low(ipafar, value); break;
            case IPAFAR + 4: ipafar = high(ipafar, value); break;
            default: break;
        }
    }

    // ---- decoded controls ----

    /**
     * The stage-1 controls of the region {@code va} falls in ({@link StageOneControl#region}), decoded
     * once per register change and region.
     */
    public StageOneControl stage1Control(long va) {
        int region = StageOneControl.region(tcr, va);
        if (region < 0) {
            return StageOneControl.UNUSABLE;
        }
        StageOneControl c = stage1Control[region];
        if (c == null) {
            c = StageOneControl.decodeRegion(this, region, granuleSupported, ias);
            stage1Control[region] = c;
        }
        return c;
    }

    /** {@link StageTwoControl#decode} of this bank's registers, decoded once per register change. */
    public StageTwoControl stage2Control() {
        StageTwoControl c = stage2Control;
        if (c == null) {
            c = StageTwoControl.decode(this, granuleSupported, oas);
            stage2Control = c;
        }
        return c;
    }

    private void dropDecodedControls() {
        stage2Control = null;
        stage1Control[0] = null;
        stage1Control[1] = null;
    }

    // ---- GR1 registers of this bank ----

    public void writeCbar(int value) {
        cbar = value;
    }

    public void writeCba2r(int value) {
        cba2r = value;
    }

    public void writeCbfrsynra(int value) {
        cbfrsynra = value;
    }

    private static long low(long register, int value) {
        return (register & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL);
    }

    private static long high(long register, int value) {
        return (register & 0xFFFF_FFFFL) | ((long) value << 32);
    }
}
