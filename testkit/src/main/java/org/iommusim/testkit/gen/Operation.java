package org.iommusim.testkit.gen;

import org.iommusim.core.request.Access;
import org.iommusim.testkit.PageMapping;

/** One step of a random workload against a VM: change its stage 2, or make a request through it. */
public sealed interface Operation {
    /** Map a new page through the host driver (an overlap is refused with EEXIST, on every machine alike). */
    record Map(PageMapping mapping) implements Operation {
    }

    /** Unmap the VM's {@code index mod size}-th mapping through the host driver. */
    record Unmap(int index) implements Operation {
    }

    /** One translation request from the VM's {@code device mod count}-th device. */
    record Translate(int device, long iova, Access access) implements Operation {
    }

    /** A DMA write of {@code length} bytes of {@code value}. */
    record DmaWrite(int device, long iova, int length, byte value) implements Operation {
    }

    /** A DMA read of {@code length} bytes. */
    record DmaRead(int device, long iova, int length) implements Operation {
    }
}
