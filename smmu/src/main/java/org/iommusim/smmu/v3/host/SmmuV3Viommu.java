package org.iommusim.smmu.v3.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.core.host.InvalidationResult;
import org.iommusim.core.host.NestedDomain;
import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.host.Viommu;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;
import org.iommusim.smmu.v3.command.Command;
import org.iommusim.smmu.v3.command.Opcode;
import org.iommusim.smmu.v3.ste.StreamTableEntry;

/**
 * One VM's virtual SMMUv3 (the role of arm-smmu-v3-iommufd.c's vsmmu): its VMID is the nest parent's;
 * vDEVICEs map the guest's virtual StreamIDs to physical ones. A nested domain comes from the guest's
 * STE words with only the fields the kernel lets through (EIO otherwise); the guest's commands are
 * accepted only for stage-1 TLB, CD-cache and ATC invalidation, with the VMID and StreamID rewritten
 * (EIO for any other opcode or an unknown virtual StreamID), then issued with a CMD_SYNC.
 */
final class SmmuV3Viommu implements Viommu {
    private static final Layout HWPT_ARM_SMMUV3 = Layout.struct("iommu_hwpt_arm_smmuv3")
            .array("ste", 8, 2, false).build();
    private static final Layout INVALIDATE = Layout.struct("iommu_viommu_arm_smmuv3_invalidate")
            .array("cmd", 8, 2, false).build();

    private final SmmuV3HostDriver host;
    private final SmmuV3HostDriver.Paging parent;
    private final Map<Long, Integer> physicalByVirtual = new HashMap<>();

    SmmuV3Viommu(SmmuV3HostDriver host, SmmuV3HostDriver.Paging parent) {
        this.host = host;
        this.parent = parent;
    }

    @Override
    public PagingDomain parent() {
        return parent;
    }

    @Override
    public void addDevice(int sid, long virtualId) throws ErrnoException {
        if (virtualId >= 1L << 32) {
            throw Errno.EINVAL.failure("a virtual StreamID has 32 bits");
        }
        physicalByVirtual.put(virtualId, sid);
    }

    boolean hasDevice(int sid) {
        return physicalByVirtual.containsValue(sid);
    }

    @Override
    public void removeDevice(int sid) {
        physicalByVirtual.values().removeIf(s -> s == sid);
    }

    /** arm_vsmmu_alloc_domain_nested / arm_smmu_validate_vste. */
    @Override
    public NestedDomain allocNested(int dataType, byte[] data) throws ErrnoException {
        if (dataType != SmmuV3Uapi.HWPT_DATA_ARM_SMMUV3) {
            throw Errno.EOPNOTSUPP.failure("data_type " + dataType + " is not IOMMU_HWPT_DATA_ARM_SMMUV3");
        }
        UserStruct s = UserStruct.copyFromUser(HWPT_ARM_SMMUV3, data, HWPT_ARM_SMMUV3.size());
        long dw0 = s.get("ste[0]");
        long dw1 = s.get("ste[1]");
        StreamTableEntry vste = StreamTableEntry.of(new long[] {dw0, dw1, 0, 0});
        if (!vste.valid()) {
            dw0 = 0; // an invalid STE is taken as abort
            dw1 = 0;
        }
        int config = vste.config();
        if (vste.valid() && config != StreamTableEntry.CONFIG_ABORT && config != StreamTableEntry.CONFIG_BYPASS
                && config != StreamTableEntry.CONFIG_S1) {
            throw Errno.EIO.failure("vSTE Config " + config + " is not abort, bypass or stage-1 translate");
        }
        if ((dw0 & ~SmmuV3Uapi.STE0_NESTING_ALLOWED) != 0 || (dw1 & ~SmmuV3Uapi.STE1_NESTING_ALLOWED) != 0) {
            throw Errno.EIO.failure("vSTE sets fields a guest may not set");
        }
        return host.new Nested(parent, this, dw0, dw1);
    }

    /**
     * arm_vsmmu_cache_invalidate: the whole array is converted first and issued only when every command
     * converts; a refused command leaves nothing issued, with entry_num = the commands before it. An
     * empty array is EINVAL (the kernel's array copy refuses it).
     */
    @Override
    public InvalidationResult invalidateUser(int dataType, byte[] entries, int entryLen, int entryNum) {
        if (dataType != SmmuV3Uapi.VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 || entryNum == 0) {
            return new InvalidationResult(0, Errno.EINVAL);
        }
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < entryNum; i++) {
            try {
                UserStruct s = UserStruct.copyFromUser(INVALIDATE,
                        java.util.Arrays.copyOfRange(entries, i * entryLen, (i + 1) * entryLen), INVALIDATE.size());
                commands.add(convert(new Command(s.get("cmd[0]"), s.get("cmd[1]"))));
            } catch (ErrnoException e) {
                return new InvalidationResult(i, e.errno());
            }
        }
        host.submit(commands);
        return InvalidationResult.ok(entryNum);
    }

    private Command convert(Command c) throws ErrnoException {
        switch (c.opcode()) {
            case Opcode.TLBI_NH_ALL, Opcode.TLBI_NH_ASID, Opcode.TLBI_NH_VA, Opcode.TLBI_NH_VAA -> {
                return c.withVmid(parent.vmid);
            }
            case Opcode.CFGI_CD, Opcode.CFGI_CD_ALL, Opcode.ATC_INV -> {
                Integer sid = physicalByVirtual.get(Integer.toUnsignedLong(c.streamId()));
                if (sid == null) {
                    throw Errno.EIO.failure("no vDEVICE with virtual StreamID " + c.streamId());
                }
                return c.withStreamId(sid);
            }
            default -> throw Errno.EIO.failure("opcode 0x" + Integer.toHexString(c.opcode()) + " is not allowed");
        }
    }
}
