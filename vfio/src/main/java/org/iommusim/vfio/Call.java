package org.iommusim.vfio;

import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;

/**
 * One ioctl in flight: the kernel's copy of the argument structure, the payload that follows it or that
 * it points to ({@code data[]}, {@code data_uptr}), and what the handler writes back.
 */
public final class Call {
    private final String name;
    private final UserStruct arg;
    private final byte[] data;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private Long value;
    private Errno failedAfterWriteback;

    Call(String name, UserStruct arg, byte[] data) {
        this.name = name;
        this.arg = arg;
        this.data = data;
    }

    public String name() {
        return name;
    }

    public UserStruct arg() {
        return arg;
    }

    public long get(String field) {
        return arg.get(field);
    }

    public int getInt(String field) {
        return arg.getInt(field);
    }

    /** The payload (a copy). */
    public byte[] data() {
        return data.clone();
    }

    /** The ioctl's return value (for calls that return one: CHECK_EXTENSION, PASID alloc ...). */
    public void ret(long v) {
        value = v;
    }

    /** Writes an out-field of the argument structure. */
    public void out(String field, long v) {
        arg.put(field, v);
    }

    /** An out-field outside the structure (capability chain fields, returned buffers). */
    public void extra(String fieldName, Object v) {
        extra.put(fieldName, v);
    }

    /** Fails with {@code errno} after the out-fields written so far (IOMMU_HWPT_INVALIDATE's entry_num). */
    public void failAfterWriteback(Errno errno) {
        failedAfterWriteback = errno;
    }

    /**
     * The kernel's size check of a vfio call: {@code argsz} below {@code minsz} is EINVAL; flags outside
     * {@code knownFlags} are EINVAL.
     */
    public void checkArgsz(String minLastField, long knownFlags) throws ErrnoException {
        if (get("argsz") < arg.layout().end(minLastField)) {
            throw Errno.EINVAL.failure(name + ": argsz " + get("argsz") + " < " + arg.layout().end(minLastField));
        }
        if (arg.layout().field("flags").isPresent() && arg.unknownBits("flags", knownFlags) != 0) {
            throw Errno.EINVAL.failure(name + ": unknown flags");
        }
    }

    /**
     * The iommufd size check (iommufd_fops_ioctl): {@code size} below the structure's last field of its
     * first version is EINVAL; unknown flags are EOPNOTSUPP.
     */
    public void checkSize(String minLastField, long knownFlags) throws ErrnoException {
        checkSize(arg.layout().end(minLastField), knownFlags);
    }

    /** {@link #checkSize(String, long)} with the minimum size in bytes (a reserved array's end). */
    public void checkSize(int minSize, long knownFlags) throws ErrnoException {
        if (get("size") < minSize) {
            throw Errno.EINVAL.failure(name + ": size " + get("size"));
        }
        if (arg.layout().field("flags").isPresent() && arg.unknownBits("flags", knownFlags) != 0) {
            throw Errno.EOPNOTSUPP.failure(name + ": unknown flags");
        }
    }

    IoctlResult result() {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Layout.Field f : arg.layout().fields()) {
            if (f.out()) {
                fields.put(f.name(), arg.get(f.name()));
            }
        }
        fields.putAll(extra);
        return new IoctlResult(failedAfterWriteback, failedAfterWriteback == null ? value : null, fields);
    }
}
