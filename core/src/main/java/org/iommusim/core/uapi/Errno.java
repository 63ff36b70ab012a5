package org.iommusim.core.uapi;

/**
 * The Linux error numbers the front end answers with (include/uapi/asm-generic/errno-base.h and
 * errno.h), with the kernel's names. A refused ioctl returns one of them, as the kernel does.
 */
public enum Errno {
    EPERM(1), ENOENT(2), EIO(5), E2BIG(7), EBADF(9), ENOMEM(12), EFAULT(14), EBUSY(16), EEXIST(17),
    ENODEV(19), EINVAL(22), ENOTTY(25), ENOSPC(28), ERANGE(34), EOVERFLOW(75), EOPNOTSUPP(95);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The positive errno value (an ioctl returns its negation). */
    public int number() {
        return number;
    }

    /** The exception a handler throws to refuse a call with this errno. */
    public ErrnoException failure(String why) {
        return new ErrnoException(this, why);
    }
}
