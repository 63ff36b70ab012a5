package org.iommusim.core.testing;

import java.util.List;
import java.util.Map;

import org.iommusim.core.iommu.IdRegister;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.walk.RadixFormat;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;

/**
 * A test double with the smallest register interface that lets the runner be tested without a vendor:
 * 0x0 ROOT (the 4-level radix table), 0x8 CTRL (bit 0 enables translation, bit 1 lets ATS translated
 * requests through untranslated as 4 KiB read/write pages). Faults: 1 disabled, 2 not present (stage 1),
 * 3 exec denied (stage 1), 4 translated request forbidden.
 */
public final class ToyMachine implements Iommu {
    public static final MachineKind KIND = new MachineKind() {
        @Override
        public String name() {
            return "toy";
        }

        @Override
        public String description() {
            return "test double";
        }

        @Override
        public List<IdRegister> idRegisters() {
            return List.of();
        }

        @Override
        public List<String> presets() {
            return List.of("default");
        }

        @Override
        public Iommu create(PhysicalMemory memory, Map<String, String> options) throws MachineConfigException {
            for (String k : options.keySet()) {
                if (!k.equals("preset") || !options.get(k).equals("default")) {
                    throw new MachineConfigException("unknown option " + k);
                }
            }
            return new ToyMachine(memory);
        }
    };

    private static final long CTRL_ENABLE = 1;
    private static final long CTRL_ATS = 2;

    private final PhysicalMemory memory;
    private final RadixFormat format = RadixFormat.ofLevels(4);
    private long root;
    private long ctrl;

    public ToyMachine(PhysicalMemory memory) {
        this.memory = memory;
    }

    @Override
    public String kind() {
        return "toy";
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public long mmioRead(long offset, int width) {
        Iommu.checkWidth(width);
        return offset == 0 ? root : offset == 8 ? ctrl : 0;
    }

    @Override
    public void mmioWrite(long offset, int width, long value) {
        Iommu.checkWidth(width);
        if (offset == 0) {
            root = value & RadixFormat.ADDRESS_MASK;
        } else if (offset == 8) {
            ctrl = value & (CTRL_ENABLE | CTRL_ATS);
        }
    }

    @Override
    public Translation translate(TranslationRequest r) {
        if (r.translated()) {
            if ((ctrl & CTRL_ATS) == 0) {
                return new Fault(4, "TRANSLATED_FORBIDDEN", 0, Fault.NO_LEVEL, r.iova());
            }
            return new TranslationResult(r.iova() & ~0xFFFL, 0x1000, Permissions.READ | Permissions.WRITE, 0);
        }
        if ((ctrl & CTRL_ENABLE) == 0) {
            return new Fault(1, "DISABLED", 0, Fault.NO_LEVEL, r.iova());
        }
        WalkResult w = Walker.walk(memory, format, root, r.iova(), 1, WalkTrace.NONE);
        if (!w.ok()) {
            return new Fault(2, "NOT_PRESENT", 1, w.level(), r.iova());
        }
        if (r.access() == Access.EXEC) {
            return new Fault(3, "EXEC_DENIED", 1, w.level(), r.iova());
        }
        return new TranslationResult(w.address(), w.pageSize(), Permissions.READ | Permissions.WRITE, 0);
    }

    @Override
    public Map<String, Long> statistics() {
        return Map.of();
    }

    @Override
    public Map<String, Long> capabilities() {
        return Map.of("TOY.LEVELS", 4L);
    }
}
