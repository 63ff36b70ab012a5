package org.iommusim.testkit.machine;

import java.util.List;

import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.host.type1.GpasidBindData;
import org.iommusim.core.host.type1.PasidTableConfig;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.UserStruct;
import org.iommusim.testkit.PageMapping;

/**
 * A VM whose guest owns stage 1: a nest-parent paging domain holds the VM's RAM (stage 2) and the guest's
 * own table is bound through the 2020 type1 calls, exactly as a VMM passes what the guest wrote: on VT-d
 * a first-stage table for PASID {@link #VTD_PASID} ({@code iommu_gpasid_bind_data}, format Intel VT-d), on
 * SMMUv3 a CD table ({@code iommu_pasid_table_config}, linear, one CD), on SMMUv2 a stage-1 TTBR
 * (format 0x100). {@code guestRoot} is a guest-physical address: whatever the guest wrote there is what
 * the IOMMU will walk.
 */
public final class NestedGuest {
    /** The PASID a VT-d guest's table is bound to. */
    public static final int VTD_PASID = 1;
    private static final int ADDRESS_WIDTH = 48;
    private static final int SMMUV2_ADDRESS_WIDTH = 39;

    private final Machine machine;
    private final PagingDomain parent;
    private final List<PageMapping> ram;
    private final int sid;

    private NestedGuest(Machine machine, PagingDomain parent, List<PageMapping> ram, int sid) {
        this.machine = machine;
        this.parent = parent;
        this.ram = List.copyOf(ram);
        this.sid = sid;
    }

    /** Builds the VM, attaches {@code sid} and binds the guest's stage 1 at {@code guestRoot}. */
    public static NestedGuest create(Machine machine, List<PageMapping> ram, int sid, long guestRoot)
            throws ErrnoException {
        PagingDomain parent = machine.driver().allocPaging(true);
        for (PageMapping m : ram) {
            parent.map(m.input(), m.output(), m.size(), PagingDomain.PROT_READ | PagingDomain.PROT_WRITE);
        }
        machine.driver().attach(sid, parent);
        switch (machine.kind()) {
            case "vtd" -> machine.driver().bindGuestPgtbl(parent, sid,
                    bind(GpasidBindData.FORMAT_INTEL_VTD, ADDRESS_WIDTH, guestRoot, VTD_PASID));
            case "smmuv2" -> machine.driver().bindGuestPgtbl(parent, sid,
                    bind(GpasidBindData.FORMAT_ARM_SMMUV2, SMMUV2_ADDRESS_WIDTH, guestRoot, 0));
            case "smmuv3" -> machine.driver().setPasidTable(parent, sid, UserStruct.zeroed(PasidTableConfig.LAYOUT)
                    .put("argsz", PasidTableConfig.LAYOUT.size()).put("version", PasidTableConfig.VERSION_1)
                    .put("base_ptr", guestRoot).put("config", PasidTableConfig.CONFIG_TRANSLATE)
                    .put("format", PasidTableConfig.FORMAT_SMMUV3)
                    .put("vendor_data.smmuv3.version", PasidTableConfig.SMMUV3_VERSION_1).bytes());
            default -> throw new IllegalArgumentException("no nested guest for " + machine.kind());
        }
        return new NestedGuest(machine, parent, ram, sid);
    }

    private static byte[] bind(int format, int addressWidth, long gpgd, int hpasid) {
        return UserStruct.zeroed(GpasidBindData.LAYOUT).put("argsz", GpasidBindData.LAYOUT.size())
                .put("version", GpasidBindData.VERSION_1).put("format", format).put("addr_width", addressWidth)
                .put("gpgd", gpgd).put("hpasid", hpasid).bytes();
    }

    /** One request of the guest's device, through its stage 1 and the VM's stage 2, then the fault handler. */
    public Translation translate(long iova, Access access) {
        int pasid = machine.kind().equals("vtd") ? VTD_PASID : TranslationRequest.NO_PASID;
        Translation t = machine.iommu().translate(new TranslationRequest(sid, pasid, iova, access, false));
        machine.driver().handleFaults();
        return t;
    }

    /** True when {@code hostAddress} is inside the VM's RAM (its stage-2 image). */
    public boolean owns(long hostAddress) {
        for (PageMapping m : ram) {
            if (Long.compareUnsigned(hostAddress - m.output(), m.size()) < 0) {
                return true;
            }
        }
        return false;
    }

    public Machine machine() {
        return machine;
    }

    public PagingDomain parent() {
        return parent;
    }
}
