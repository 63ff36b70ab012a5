package org.iommusim.core.request;

/** Permission bits of a translation, as seen by the requester that asked for it. */
public final class Permissions {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int EXEC = 4;
    public static final int RWX = READ | WRITE | EXEC;

    private Permissions() {
    }

    /** "r", "rw", "rwx", "rx" ...: the letters of the granted permissions, in that order. */
    public static String toString(int permissions) {
        StringBuilder sb = new StringBuilder(3);
        if ((permissions & READ) != 0) {
            sb.append('r');
        }
        if ((permissions & WRITE) != 0) {
            sb.append('w');
        }
        if ((permissions & EXEC) != 0) {
            sb.append('x');
        }
        return sb.toString();
    }
}
