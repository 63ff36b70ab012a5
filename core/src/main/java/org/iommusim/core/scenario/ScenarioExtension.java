package org.iommusim.core.scenario;

import java.util.List;
import java.util.Set;

import org.iommusim.core.iommu.Iommu;

/**
 * Commands a module adds to scenario scripts (the front end's {@code vfio}, {@code iommufd} and
 * {@code ioctl}), found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.iommusim.core.scenario.ScenarioExtension}. The runner opens one
 * {@link Session} per machine and passes it each line that starts with one of {@link #commands()}.
 */
public interface ScenarioExtension {
    /** The command words this extension handles. */
    Set<String> commands();

    /** A session for a freshly made machine. */
    Session open(Iommu iommu);

    /** One machine's state as the extension sees it. */
    interface Session {
        /**
         * Runs one line (its words, the command word first) and returns its result.
         *
         * @throws MalformedScriptException for an unknown key, constant, handle syntax ... (exit 2)
         */
        CallResult execute(List<String> words) throws MalformedScriptException;
    }
}
