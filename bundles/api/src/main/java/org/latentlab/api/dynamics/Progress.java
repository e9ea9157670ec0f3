package org.latentlab.api.dynamics;

import org.osgi.annotation.versioning.ProviderType;

/** Handed to long-running work by the engine: report progress, notice cancellation. */
@ProviderType
public interface Progress {

    /** {@code units} more units of work (e.g. seed-steps or seeds) are done. */
    void advance(long units);

    /** True once the job was cancelled; work should stop at the next convenient point. */
    boolean cancelled();

    /** A progress that reports nowhere and is never cancelled. */
    Progress NONE = new Progress() {
        @Override
        public void advance(long units) {}

        @Override
        public boolean cancelled() {
            return false;
        }
    };
}
