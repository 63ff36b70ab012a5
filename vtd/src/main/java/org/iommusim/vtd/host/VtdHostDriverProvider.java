package org.iommusim.vtd.host;

import org.iommusim.core.host.HostDrivers;
import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.iommu.Iommu;

/** Makes {@link VtdHostDriver}s for the front end (found through the service file). */
public final class VtdHostDriverProvider implements HostDrivers.Provider {
    @Override
    public String kind() {
        return "vtd";
    }

    @Override
    public HostIommuDriver create(Iommu iommu, long regionStart, long regionEnd) {
        return new VtdHostDriver(iommu, regionStart, regionEnd);
    }
}
