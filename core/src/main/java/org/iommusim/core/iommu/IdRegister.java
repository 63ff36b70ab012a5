package org.iommusim.core.iommu;

/**
 * A capability/identification register a machine kind advertises (VT-d CAP, SMMUv3 IDR0 ...), by its
 * offset in the register block, so tools can print the raw values a preset gives.
 *
 * @param name   the specification's name
 * @param offset offset in the register block
 * @param width  4 or 8 bytes
 */
public record IdRegister(String name, long offset, int width) {
    public IdRegister {
        Iommu.checkWidth(width);
    }
}
