package org.iommusim.core.request;

/** The kind of access a device request makes. */
public enum Access {
    READ(Permissions.READ),
    WRITE(Permissions.WRITE),
    EXEC(Permissions.EXEC);

    private final int permission;

    Access(int permission) {
        this.permission = permission;
    }

    /** The {@link Permissions} bit a translation must grant for this access. */
    public int permission() {
        return permission;
    }
}
