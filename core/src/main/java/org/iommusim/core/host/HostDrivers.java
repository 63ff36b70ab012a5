package org.iommusim.core.host;

import java.util.Optional;
import java.util.ServiceLoader;

import org.iommusim.core.iommu.Iommu;

/**
 * Finds the host driver for an IOMMU model: vendor modules list a {@link Provider} in
 * {@code META-INF/services/org.iommusim.core.host.HostDrivers$Provider}.
 */
public final class HostDrivers {
    private HostDrivers() {
    }

    /** Makes host drivers for one machine kind. */
    public interface Provider {
        String kind();

        /**
         * A driver that owns {@code iommu}: it resets and enables the unit and allocates its own tables
         * and queues from {@code [regionStart, regionEnd)} of host memory.
         */
        HostIommuDriver create(Iommu iommu, long regionStart, long regionEnd);
    }

    public static Optional<Provider> find(String kind) {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.kind().equals(kind)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
