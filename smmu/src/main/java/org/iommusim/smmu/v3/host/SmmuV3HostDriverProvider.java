package org.iommusim.smmu.v3.host;

import org.iommusim.core.host.HostDrivers;
import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.iommu.Iommu;

/** Makes {@link SmmuV3HostDriver}s for the front end (found through the service file). */
public final class SmmuV3HostDriverProvider implements HostDrivers.Provider {
    @Override
    public String kind() {
        return "smmuv3";
    }

    @Override
    public HostIommuDriver create(Iommu iommu, long regionStart, long regionEnd) {
        return new SmmuV3HostDriver(iommu, regionStart, regionEnd);
    }
}
