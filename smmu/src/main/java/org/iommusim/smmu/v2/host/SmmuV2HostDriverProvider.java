package org.iommusim.smmu.v2.host;

import org.iommusim.core.host.HostDrivers;
import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.iommu.Iommu;

/** Makes {@link SmmuV2HostDriver}s for the front end (found through the service file). */
public final class SmmuV2HostDriverProvider implements HostDrivers.Provider {
    @Override
    public String kind() {
        return "smmuv2";
    }

    @Override
    public HostIommuDriver create(Iommu iommu, long regionStart, long regionEnd) {
        return new SmmuV2HostDriver(iommu, regionStart, regionEnd);
    }
}
