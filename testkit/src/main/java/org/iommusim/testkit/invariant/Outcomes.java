package org.iommusim.testkit.invariant;

import java.util.HexFormat;

import org.iommusim.core.dma.DmaResult;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.uapi.Errno;

/** What an outside observer sees of one step, as text two machines' runs can be compared by. */
final class Outcomes {
    private Outcomes() {
    }

    static String of(long iova, Translation t) {
        if (t instanceof TranslationResult r) {
            return String.format("ok pa=0x%x perm=%s", r.outputAddress(iova), Permissions.toString(r.permissions()));
        }
        Fault f = (Fault) t;
        return String.format("fault 0x%x %s stage=%d", f.code(), f.name(), f.stage());
    }

    static String of(DmaResult d) {
        String fault = d.fault() == null ? "" : String.format(" fault 0x%x %s", d.fault().code(), d.fault().name());
        String data = d.data() == null ? "" : " data=" + HexFormat.of().formatHex(d.data());
        return "dma done=" + d.bytesDone() + (d.busError() ? " bus-error" : "") + fault + data;
    }

    static String of(Errno e) {
        return e == null ? "mapped" : "errno " + e;
    }
}
