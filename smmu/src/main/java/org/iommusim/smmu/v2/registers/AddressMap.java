package org.iommusim.smmu.v2.registers;

/**
 * Where the register pages are (Arm IHI 0062 section 8.1): the global half holds NUMPAGE pages (GR0 in
 * page 0, GR1 in page 1), then the context-bank half holds one page per context bank. The page size is
 * 64 KiB when IDR1.PAGESIZE is set, else 4 KiB; NUMPAGE is 2^(IDR1.NUMPAGENDXB + 1).
 *
 * @param pageShift 12 or 16
 * @param numPage   pages in each half
 */
public record AddressMap(int pageShift, int numPage) {
    public static AddressMap of(Idr1 idr1) {
        return new AddressMap(idr1.pagesize() ? 16 : 12, 1 << (idr1.numpagendxb() + 1));
    }

    public long pageSize() {
        return 1L << pageShift;
    }

    /** Offset of GR1 (page 1). */
    public long gr1Base() {
        return pageSize();
    }

    /** Offset of the context-bank half. */
    public long contextBankBase() {
        return (long) numPage << pageShift;
    }

    /** Offset of context bank {@code n}'s page. */
    public long contextBank(int n) {
        return contextBankBase() + ((long) n << pageShift);
    }

    /** Size of the whole SMMU register space. */
    public long size() {
        return 2 * contextBankBase();
    }
}
