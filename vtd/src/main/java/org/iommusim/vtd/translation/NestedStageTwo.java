package org.iommusim.vtd.translation;

import java.util.Arrays;

import org.iommusim.core.request.Permissions;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.vtd.fault.FaultReason;
import org.iommusim.vtd.secondstage.SecondStageFormat;

/**
 * The second stage of a nested (PGTT=011b) translation as the core NestedWalker sees it, section 3.8:
 * every first-stage table address is a guest-physical address translated here and must be readable;
 * the first-stage output is translated here too, and its permissions are checked by the caller after
 * the first-stage checks, so that a first-stage fault is reported before a second-stage one.
 */
final class NestedStageTwo implements org.iommusim.core.walk.StageTwo {
    private final SecondStageWalk walker;
    private int did;
    private SecondStageFormat format;
    private long root;
    private int inputWidth;
    private boolean executeEnable;

    /** Second-stage permissions of each first-stage table page read, indexed by first-stage step. */
    final int[] tableFlags = new int[5];
    /** The second-stage walk of each first-stage table page, for A/D updates. */
    final WalkResult[] tableWalks = new WalkResult[5];
    int nextStep;
    /** Why the last refused translation was refused. */
    FaultReason fault;
    /** Permissions of the first-stage output's page, after a successful walk. */
    int outputFlags;
    WalkResult outputWalk;

    /** One per translator, {@link #begin begun} anew for each nested walk. */
    NestedStageTwo(SecondStageWalk walker) {
        this.walker = walker;
    }

    /** Forgets the last walk and sets up the next one, whose first-stage walk starts at {@code startStep}. */
    NestedStageTwo begin(int did, SecondStageFormat format, long root, int mgaw, boolean executeEnable,
                         int startStep) {
        this.did = did;
        this.format = format;
        this.root = root;
        this.inputWidth = Math.min(format.inputWidth(), mgaw);
        this.executeEnable = executeEnable;
        this.nextStep = startStep;
        Arrays.fill(tableFlags, 0);
        Arrays.fill(tableWalks, null);
        fault = null;
        outputFlags = 0;
        outputWalk = null;
        return this;
    }

    @Override
    public WalkResult translate(long ipa, boolean tableFetch, WalkTrace trace) {
        if (inputWidth < 64 && (ipa >>> inputWidth) != 0) {
            fault = FaultReason.FS_TABLE_BEYOND_SS; // SFS.5: a table or page address in a first-stage entry
            int levels = format.levels();
            return new WalkResult(WalkResult.Status.DENIED, 2, 0, 0, levels, 0, 0, new long[levels],
                    new long[levels]);
        }
        // each table step's walk and the output's are kept until the translation ends: one slot each
        int slot = !tableFetch ? SecondStageWalk.OUTPUT_SLOT : Math.min(nextStep, SecondStageWalk.OUTPUT_SLOT - 1);
        WalkResult r = walker.walk(did, format, root, ipa, trace, slot);
        if (!r.ok()) {
            fault = Translator.secondStageWalkFault(r);
            return r;
        }
        int flags = effective(walker.flags, executeEnable);
        if (tableFetch) {
            if ((flags & Permissions.READ) == 0) {
                fault = (flags & Permissions.WRITE) == 0 ? FaultReason.SS_ENTRY_P
                        : nextStep == 0 ? FaultReason.FS_TOP_SS_READ : FaultReason.FS_ENTRY_SS_READ;
                return r.denied();
            }
            if (nextStep < tableFlags.length) {
                tableFlags[nextStep] = flags;
                tableWalks[nextStep] = r;
            }
            nextStep++;
        } else {
            outputFlags = flags;
            outputWalk = r;
        }
        return r;
    }

    /** X follows the X bit only when SSEE=1; otherwise a readable page is executable. */
    static int effective(int flags, boolean executeEnable) {
        if (executeEnable) {
            return flags;
        }
        return (flags & ~Permissions.EXEC) | ((flags & Permissions.READ) != 0 ? Permissions.EXEC : 0);
    }
}
