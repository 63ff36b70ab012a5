package org.iommusim.core.iommu;

/** A machine cannot be made as asked: unknown option or preset, a value out of range. */
public class MachineConfigException extends Exception {
    public MachineConfigException(String message) {
        super(message);
    }
}
