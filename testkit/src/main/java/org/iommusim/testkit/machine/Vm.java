package org.iommusim.testkit.machine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.testkit.PageMapping;
import org.iommusim.testkit.reference.ReferenceTranslator;

/**
 * A VM on a {@link Machine}: one paging domain (the VM's stage 2, mapped and unmapped through the host
 * driver, which issues every invalidation the specification requires), the devices attached to it, and the
 * mapping set it holds, from which the reference translator answers.
 */
public final class Vm {
    private final Machine machine;
    private final PagingDomain domain;
    private final List<PageMapping> mappings = new ArrayList<>();
    private final int[] devices;

    private Vm(Machine machine, PagingDomain domain, int[] devices) {
        this.machine = machine;
        this.domain = domain;
        this.devices = devices.clone();
    }

    static Vm create(Machine machine, List<PageMapping> ram, int[] devices) throws ErrnoException {
        Vm vm = new Vm(machine, machine.driver().allocPaging(false), devices);
        for (PageMapping m : ram) {
            Errno e = vm.map(m);
            if (e != null) {
                throw e.failure("mapping " + m);
            }
        }
        for (int sid : devices) {
            machine.driver().attach(sid, vm.domain);
        }
        return vm;
    }

    /** Maps {@code m} through the host driver; null on success, else the errno (and nothing changed). */
    public Errno map(PageMapping m) {
        try {
            domain.map(m.input(), m.output(), m.size(), prot(m.permissions()));
            mappings.add(m);
            return null;
        } catch (ErrnoException e) {
            return e.errno();
        }
    }

    /** Unmaps {@code m} (a mapping this VM holds) through the host driver; returns the bytes unmapped. */
    public long unmap(PageMapping m) {
        long done = domain.unmap(m.input(), m.size());
        if (done > 0) {
            mappings.remove(m);
        }
        return done;
    }

    /** The mappings the VM holds now. */
    public List<PageMapping> mappings() {
        return Collections.unmodifiableList(mappings);
    }

    /** The reference answers for this VM's devices. */
    public ReferenceTranslator reference() {
        return ReferenceTranslator.of(mappings);
    }

    /** True when {@code hostAddress} is inside memory this VM's stage 2 maps. */
    public boolean owns(long hostAddress) {
        for (PageMapping m : mappings) {
            if (Long.compareUnsigned(hostAddress - m.output(), m.size()) < 0) {
                return true;
            }
        }
        return false;
    }

    public PagingDomain domain() {
        return domain;
    }

    public Machine machine() {
        return machine;
    }

    public int[] devices() {
        return devices.clone();
    }

    private static int prot(int permissions) {
        return ((permissions & Permissions.READ) != 0 ? PagingDomain.PROT_READ : 0)
                | ((permissions & Permissions.WRITE) != 0 ? PagingDomain.PROT_WRITE : 0);
    }
}
