package org.latentlab.doctor.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.latentlab.launcher.spi.ConfigFiles;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Removes, as a lab starts, the configurations that came from a file in {@code DATA/etc} which no longer exists.
 * FileInstall removes a configuration when its file is deleted while a lab runs; a file deleted while none ran left its
 * configuration stored in {@code DATA/config} and applied at every start, by the server and by every command alike (an
 * {@code org.latentlab.engine.cfg} deleted between two {@code latentlab analyze} runs kept its {@code jacobianStep} and
 * {@code modelBatch}). This bundle starts before FileInstall and before the engines (core feature, start order 2), so
 * nothing reads such a configuration first.
 */
@Component(service = StaleConfigurationSweep.class, immediate = true)
public class StaleConfigurationSweep {

    @Reference
    private ConfigurationAdmin configAdmin;

    /** Says each removal on standard error, one line each, as the doctor's other messages (before any server log exists). */
    @Activate
    void activate() {
        remove(configAdmin).forEach(line -> System.err.println("latentlab: " + line));
    }

    /** Deletes the stale configurations; one line for each (or for why they could not be checked). */
    static List<String> remove(ConfigurationAdmin configAdmin) {
        List<String> removed = new ArrayList<>();
        try {
            Configuration[] all = configAdmin.listConfigurations("(" + ConfigFiles.ORIGIN + "=*)");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                Object origin = c.getProperties() == null ? null : c.getProperties().get(ConfigFiles.ORIGIN);
                Path file = ConfigFiles.file(origin);
                if (file != null && !Files.exists(file)) {
                    String pid = c.getPid(); // (a deleted configuration refuses getPid)
                    try {
                        c.delete();
                        removed.add("configuration " + pid + " came from " + file + ", which no longer exists; removed it");
                    } catch (IllegalStateException alreadyDeleted) {
                        // FileInstall, scanning DATA/etc at the same time, was quicker
                    }
                }
            }
        } catch (Exception e) { // never keep a lab from starting
            removed.add("could not check the stored configurations for deleted .cfg files: " + e);
        }
        return removed;
    }
}
