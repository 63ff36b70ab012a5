package org.iommusim.core.walk;

/**
 * The outcome of a nested (two-dimensional) walk.
 *
 * @param status        how it ended
 * @param stage1        the stage-1 walk: complete when {@code status} is OK or STAGE1_FAULT; when a stage-2
 *                      fault hit a table fetch it ends at that step with status
 *                      {@link WalkResult.Status#ABORT} and no entry read there
 * @param stage2        the last stage-2 translation: the failed one, or the final one on success
 * @param ipa           the IPA stage 2 was translating last (the failing one on STAGE2_FAULT)
 * @param tableFetch    whether that IPA was a stage-1 entry address (true) or the stage-1 output (false)
 * @param outputAddress on success, the host-physical base of the combined page
 * @param pageSize      on success, the combined page size: the smaller of the two stages' page sizes
 */
public record NestedWalkResult(Status status, WalkResult stage1, WalkResult stage2, long ipa, boolean tableFetch,
                               long outputAddress, long pageSize) {
    public enum Status { OK, STAGE1_FAULT, STAGE2_FAULT }

    public boolean ok() {
        return status == Status.OK;
    }

    /** The host-physical address of {@code input}, on success. */
    public long translate(long input) {
        return outputAddress | (input & (pageSize - 1));
    }
}
