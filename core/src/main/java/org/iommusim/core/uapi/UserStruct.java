package org.iommusim.core.uapi;

import java.util.Arrays;

/**
 * The kernel's copy of one user structure: its layout and its bytes (little-endian, as on x86-64 and
 * AArch64 Linux). {@link #copyFromUser} applies the rules of the kernel's {@code copy_struct_from_user}:
 * a user buffer shorter than the structure is zero-extended, a longer one is accepted only when every
 * byte past the structure is zero (otherwise {@code E2BIG}: a newer user space asks for something this
 * kernel does not know).
 */
public final class UserStruct {
    private final Layout layout;
    private final byte[] bytes;

    private UserStruct(Layout layout, byte[] bytes) {
        this.layout = layout;
        this.bytes = bytes;
    }

    /** A zeroed structure. */
    public static UserStruct zeroed(Layout layout) {
        return new UserStruct(layout, new byte[layout.size()]);
    }

    /**
     * The kernel's copy of {@code user}: {@code EINVAL} when it is shorter than {@code minSize} (the
     * fields every version of the structure has), {@code E2BIG} when it has nonzero bytes past the
     * structure.
     */
    public static UserStruct copyFromUser(Layout layout, byte[] user, int minSize) throws ErrnoException {
        if (user.length < minSize) {
            throw Errno.EINVAL.failure(layout.name() + ": " + user.length + " bytes, at least " + minSize + " needed");
        }
        for (int i = layout.size(); i < user.length; i++) {
            if (user[i] != 0) {
                throw Errno.E2BIG.failure(layout.name() + ": nonzero byte at offset " + i + " past its "
                        + layout.size() + " bytes");
            }
        }
        return new UserStruct(layout, Arrays.copyOf(user, layout.size()));
    }

    public Layout layout() {
        return layout;
    }

    public long get(String field) {
        Layout.Field f = layout.require(field);
        long v = 0;
        for (int i = f.size() - 1; i >= 0; i--) {
            v = (v << 8) | (bytes[f.offset() + i] & 0xFF);
        }
        return v;
    }

    public int getInt(String field) {
        return (int) get(field);
    }

    public UserStruct put(String field, long value) {
        Layout.Field f = layout.require(field);
        for (int i = 0; i < f.size(); i++) {
            bytes[f.offset() + i] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** The structure's bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Every bit of {@code field} outside {@code known} (unknown flags the kernel refuses). */
    public long unknownBits(String field, long known) {
        return get(field) & ~known;
    }
}
