package org.iommusim.core.uapi;

/**
 * A call from user space refused with an errno. It is how a host driver or the front end says "no" to
 * bad input; the front end turns it into the ioctl's result, so it never reaches a script or a VMM.
 */
public final class ErrnoException extends Exception {
    private final Errno errno;

    public ErrnoException(Errno errno, String why) {
        super(errno + ": " + why, null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
