package org.iommusim.smmu.v2.streammatch;

/**
 * Finds the stream mapping register group of a StreamID (Arm IHI 0062 section 2.3.2, and
 * Figure 2-3 in section 2.1). With stream matching (IDR0.SMS = 1) every valid SMR is compared under its mask, and
 * every implemented SMR is checked so that several matches are detected (as IDR1.SMCD = 1 promises).
 * With stream indexing (SMS = 0) the StreamID is the index.
 *
 * <p>Answers an int so that the per-transaction lookup allocates nothing.
 */
public final class StreamMatcher {
    /** No SMR matches: unidentified stream. */
    public static final int NO_MATCH = -1;
    /** More than one SMR matches: stream match conflict. */
    public static final int MULTIPLE_MATCH = -2;

    private StreamMatcher() {
    }

    /**
     * @param smrs   the SMR values, {@code groups} of them used
     * @param groups number of implemented groups
     * @return the matching group index, {@link #NO_MATCH} or {@link #MULTIPLE_MATCH}
     */
    public static int match(int[] smrs, int groups, int streamId) {
        int found = NO_MATCH;
        for (int n = 0; n < groups; n++) {
            if (StreamMatchRegister.matches(smrs[n], streamId)) {
                if (found != NO_MATCH) {
                    return MULTIPLE_MATCH;
                }
                found = n;
            }
        }
        return found;
    }

    /** Stream indexing: the StreamID selects S2CR directly; one beyond the groups is unidentified. */
    public static int index(int groups, int streamId) {
        return streamId >= 0 && streamId < groups ? streamId : NO_MATCH;
    }
}
