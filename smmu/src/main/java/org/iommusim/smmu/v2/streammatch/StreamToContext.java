package org.iommusim.smmu.v2.streammatch;

import org.iommusim.core.bits.Bits;

/**
 * S2CRn, the stream-to-context register (Arm IHI 0062 section 9.6.23): what happens to a stream whose
 * SMRn matched (or, with stream indexing, whose StreamID is n). TYPE[17:16] is translation (CBNDX[7:0]
 * names the context bank), bypass, or fault; the reserved TYPE 3 behaves as fault. PRIVCFG[25:24] can
 * override the privilege of the transaction.
 */
public final class StreamToContext {
    public static final int TYPE_TRANSLATION = 0;
    public static final int TYPE_BYPASS = 1;
    public static final int TYPE_FAULT = 2;
    public static final int TYPE_RESERVED = 3;

    public static final int PRIVCFG_UNPRIVILEGED = 2;
    public static final int PRIVCFG_PRIVILEGED = 3;

    private StreamToContext() {
    }

    public static int type(int s2cr) {
        return (int) Bits.field(s2cr, 17, 16);
    }

    public static int cbndx(int s2cr) {
        return (int) Bits.field(s2cr, 7, 0);
    }

    public static int privcfg(int s2cr) {
        return (int) Bits.field(s2cr, 25, 24);
    }

    /** The privilege the context bank sees, after PRIVCFG. */
    public static boolean privileged(int s2cr, boolean requested) {
        switch (privcfg(s2cr)) {
            case PRIVCFG_UNPRIVILEGED:
                return false;
            case PRIVCFG_PRIVILEGED:
                return true;
            default:
                return requested;
        }
    }

    /** A translation-type S2CR for context bank {@code cbndx}. */
    public static int translation(int cbndx) {
        return (TYPE_TRANSLATION << 16) | (cbndx & 0xFF);
    }

    public static int ofType(int type) {
        return (type & 3) << 16;
    }
}
