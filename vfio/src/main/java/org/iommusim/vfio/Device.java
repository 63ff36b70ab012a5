package org.iommusim.vfio;

import org.iommusim.vfio.iommufd.IommufdContext;
import org.iommusim.vfio.type1.Container;

/**
 * An open VFIO device (its group, or its cdev) of the PCI function with requester ID / StreamID
 * {@code sid}. It is used either through a type1 container or bound to an iommufd, never both.
 */
public final class Device {
    private final int sid;
    private Container container;
    private IommufdContext iommufd;
    private int devId;

    Device(int sid) {
        this.sid = sid;
    }

    public int sid() {
        return sid;
    }

    public Container container() {
        return container;
    }

    public void joinContainer(Container c) {
        container = c;
    }

    public IommufdContext iommufd() {
        return iommufd;
    }

    public int devId() {
        return devId;
    }

    public void bind(IommufdContext ctx, int id) {
        iommufd = ctx;
        devId = id;
    }
}
